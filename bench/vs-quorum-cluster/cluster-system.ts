/** The quorum-queue cluster as a system under test: faults hit the queue's leader. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SendBatch } from './batch-outcome.js';
import { drainQueue } from './drain-queue.js';
import type { QuorumCluster } from './quorum-cluster.js';
import { FAULT_MS } from './settings.js';
import type { FaultKind, PreparedFault, SystemUnderTest } from './system-under-test.js';

/** The watermark that raises a memory alarm at once, and RabbitMQ's default that clears it. */
export const ALARM_WATERMARK = '0.000001';
export const NORMAL_WATERMARK = '0.4';
const WHOLE_TIMEOUT_MS = 120_000;

export function clusterSystem(cluster: QuorumCluster, send: SendBatch): SystemUnderTest {
  return {
    name: 'cluster',
    send,
    async prepare(kind: FaultKind): Promise<PreparedFault> {
      const leader = await cluster.leader();
      const watermark = (value: string) =>
        cluster.ctl(leader, ['set_vm_memory_high_watermark', value]);
      const runs: Record<FaultKind, (inPlace: () => void) => Promise<void>> = {
        async kill(inPlace) {
          cluster.signal(leader, 'SIGKILL');
          inPlace();
        },
        async stop(inPlace) {
          cluster.signal(leader, 'SIGSTOP');
          inPlace();
          await sleep(FAULT_MS);
          cluster.signal(leader, 'SIGCONT');
        },
        async alarm(inPlace) {
          await watermark(ALARM_WATERMARK);
          inPlace();
          await sleep(FAULT_MS);
          await watermark(NORMAL_WATERMARK);
        },
      };
      return {
        target: `${leader.id} (leader)`,
        run: runs[kind],
        async recover() {
          if (kind === 'kill') await cluster.restart(leader);
          const whole = await cluster.awaitWhole(WHOLE_TIMEOUT_MS);
          const after = cluster.nodes.find((node) => node.nodeName === whole.leader);
          return `leader after: ${after?.id ?? whole.leader}`;
        },
      };
    },
    async drain() {
      const leader = await cluster.leader();
      return drainQueue(leader.url, cluster.queue, 'cluster');
    },
  };
}
