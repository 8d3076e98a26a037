import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BrokerSpec, brokerPaths } from './broker-spec.js';
import { isAlive } from './fleet-state.js';

/**
 * Stops a broker that an earlier warren started for this very directory and
 * left running when it was killed without a chance to stop it. A process is
 * only touched when its pid file lives in the broker directory and its own
 * environment names that directory's data: never someone else's broker.
 *
 * @returns the pid that was stopped, if any
 */
export async function stopOrphanedBroker(spec: BrokerSpec): Promise<number | undefined> {
  const paths = brokerPaths(spec.dir);
  const pid = Number.parseInt(await readFile(paths.pidFile, 'utf8').catch(() => ''), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  if (!environ.split('\0').includes(`RABBITMQ_MNESIA_BASE=${paths.mnesiaBase}`)) return undefined;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isAlive(pid) && waited < 20_000; waited += 100) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return pid;
}
