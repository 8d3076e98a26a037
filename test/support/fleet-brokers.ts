/** The harness fleet's brokers, as chaos tests operate them: by id, through their pid files. */
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';

/** How to reach and operate a broker the harness started. */
export function localBroker(id: string) {
  const broker = inject('fleet').brokers.find((candidate) => candidate.id === id)?.local;
  if (!broker) throw new Error(`no local broker ${id}`);
  return broker;
}

export const brokerPid = async (id: string) =>
  Number.parseInt(await readFile(localBroker(id).pidFile, 'utf8'), 10);

/**
 * Runs `action` while broker `id` hangs: `hang` (called once, inside `action`'s
 * run) stops it with SIGSTOP; it gets SIGCONT when `action` ends, however it ends.
 */
export async function withHungBroker<T>(
  id: string,
  action: (hang: () => void) => Promise<T>,
): Promise<T> {
  const pid = await brokerPid(id);
  let hung = false;
  try {
    return await action(() => {
      hung = true;
      process.kill(pid, 'SIGSTOP');
    });
  } finally {
    if (hung) process.kill(pid, 'SIGCONT');
  }
}
