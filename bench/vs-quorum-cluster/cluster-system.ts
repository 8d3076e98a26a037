/** The quorum-queue cluster as a system under test: faults hit the queue's leader. */
import type { SendBatch } from './batch-outcome.js';
import { drainQueue } from './drain-queue.js';
import type { QuorumCluster } from './quorum-cluster.js';
import {
  type FaultKind,
  faultRuns,
  type PreparedFault,
  type SystemUnderTest,
} from './system-under-test.js';

/** The watermark that raises a memory alarm at once, and RabbitMQ's default that clears it. */
const WHOLE_TIMEOUT_MS = 120_000;

export function clusterSystem(cluster: QuorumCluster, send: SendBatch): SystemUnderTest {
  return {
    name: 'cluster',
    send,
    async prepare(kind: FaultKind): Promise<PreparedFault> {
      const leader = await cluster.leader();
      const runs = faultRuns({
        signal: (signal) => cluster.signal(leader, signal),
        watermark: (value) => cluster.ctl(leader, ['set_vm_memory_high_watermark', value]),
      });
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
