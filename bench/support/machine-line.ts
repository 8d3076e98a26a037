/** The `machine:` line the throughput benches print first: hardware, versions and load around the run. */
import { cpus, release, totalmem } from 'node:os';
import type { BenchFleet } from './bench-fleet.js';

const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

/** What a throughput report's machine line reads: the broker's version, and the load average around the run. */
export interface MachineFigures {
  /** Undefined for a bench that starts no broker: the line then names none. */
  readonly server: BenchFleet['server'];
  readonly loadBefore: number[];
  readonly loadAfter: number[];
}

export function machineLine({ server, loadBefore, loadAfter }: MachineFigures): string {
  const cpu = cpus();
  return (
    `machine: ${cpu.length} cores (${cpu[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `Linux ${release()}, node ${process.version}` +
    `${server ? `, RabbitMQ ${server.version} (${server.platform})` : ''}; ` +
    `load average ${loads(loadBefore)} before, ${loads(loadAfter)} after`
  );
}
