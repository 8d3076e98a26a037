/** Measuring helpers shared by the benchmarks: medians, CPU time of this process, of other processes and of the machine. */
import { readFile } from 'node:fs/promises';

export const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** CPU ms (user + system) this process has used. */
export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** `promise`, or 'timeout' once `ms` pass (the promise is left to settle on its own). */
export const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
};

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

/** CPU ms (user + system) the given processes have used, from /proc; undefined where it cannot be read. */
export async function processesCpuMs(pids: readonly number[]): Promise<number | undefined> {
  if (pids.length === 0) return undefined;
  try {
    let ticks = 0;
    for (const pid of pids) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    }
    return (1000 * ticks) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The whole machine's CPU time so far, from /proc/stat: busy (not idle, not iowait) and stolen by the hypervisor. */
export async function machineCpu(): Promise<
  { busy: number; steal: number; total: number } | undefined
> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .split(/\s+/)
      .slice(1, 9)
      .map(Number) as number[];
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
    return { busy, steal: steal ?? 0, total: busy + (idle ?? 0) + (iowait ?? 0) + (steal ?? 0) };
  } catch {
    return undefined;
  }
}
