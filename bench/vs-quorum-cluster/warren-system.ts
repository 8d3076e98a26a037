/** A warren fleet as a system under test: faults hit one broker; the fleet's supervisor restarts a killed one. */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'amqplib';
import type { FleetBrokerDescription, FleetDescription } from '../../src/fleet/fleet-state.js';
import { locateRabbitMq } from '../../src/fleet/rabbitmq-install.js';
import { rabbitmqctl } from '../../src/fleet/rabbitmqctl.js';
import type { NodeView } from '../../src/http/node-view.js';
import type { Cleanups } from '../support/cleanups.js';
import type { SendBatch } from './batch-outcome.js';
import { drainQueue } from './drain-queue.js';
import { QUEUE } from './settings.js';
import {
  type FaultKind,
  faultRuns,
  type PreparedFault,
  type SystemUnderTest,
} from './system-under-test.js';

/** Long enough for a restart plus a flapping broker's first hold-down (30 s). */
const HEALTHY_TIMEOUT_MS = 150_000;

export interface WarrenSystemOptions {
  readonly name: string;
  readonly fleet: FleetDescription;
  readonly send: SendBatch;
  /** The broker the next fault hits. */
  readonly pick: () => FleetBrokerDescription;
  readonly cleanups: Cleanups;
}

export function warrenSystem(options: WarrenSystemOptions): SystemUnderTest {
  const { fleet } = options;
  const install = locateRabbitMq(process.env);
  const local = (broker: FleetBrokerDescription) => {
    if (!broker.local) throw new Error(`${broker.id}: not started by the fleet`);
    return broker.local;
  };
  const pidOf = async (broker: FleetBrokerDescription) =>
    Number.parseInt(await readFile(local(broker).pidFile, 'utf8'), 10);
  const stopped = new Set<number>();
  options.cleanups.add(async () => {
    for (const pid of stopped) signal(pid, 'SIGCONT');
  });
  return {
    name: options.name,
    send: options.send,
    async prepare(kind: FaultKind): Promise<PreparedFault> {
      const broker = options.pick();
      const pid = await pidOf(broker);
      const runs = faultRuns({
        signal(name) {
          // A stopped broker gets SIGCONT at cleanup, whatever ends the bench.
          if (name === 'SIGSTOP') stopped.add(pid);
          if (name === 'SIGCONT') stopped.delete(pid);
          signal(pid, name);
        },
        watermark: (value) =>
          rabbitmqctl(install, local(broker), ['set_vm_memory_high_watermark', value]),
      });
      return {
        target: broker.id,
        run: runs[kind],
        async recover() {
          // A short load can end before the prober saw the kill: the registry would still say healthy.
          if (kind === 'kill') await answersWithQueue(local(broker).url);
          const waitedMs = await allHealthy(fleet.apiUrl, fleet.brokers.length);
          return `all healthy again ${(waitedMs / 1000).toFixed(0)} s after the load`;
        },
      };
    },
    async drain() {
      const found = await Promise.all(
        fleet.brokers.map((broker) => drainQueue(local(broker).url, QUEUE, broker.id)),
      );
      return found.flat();
    },
  };
}

/**
 * Waits until `GET /v1/nodes` shows every broker healthy, then one cache TTL
 * more for the publisher to see it; resolves with how long the wait took.
 */
async function allHealthy(apiUrl: string, count: number): Promise<number> {
  const started = Date.now();
  const deadline = started + HEALTHY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${apiUrl}/v1/nodes`).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as
      | { nodes?: NodeView[] }
      | undefined;
    const nodes = body?.nodes ?? [];
    last = nodes.map((node) => `${node.id} ${node.health.state}`).join(', ');
    if (nodes.length === count && nodes.every((n) => n.health.state === 'healthy' && !n.stale)) {
      const waitedMs = Date.now() - started;
      await sleep(1_500);
      return waitedMs;
    }
    await sleep(500);
  }
  throw new Error(`the fleet is not healthy after ${HEALTHY_TIMEOUT_MS} ms: ${last}`);
}

/** Waits until the broker at `url` (restarted by its supervisor) accepts a connection and has the queue. */
async function answersWithQueue(url: string): Promise<void> {
  const deadline = Date.now() + HEALTHY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const connection = await connect(url).catch(() => undefined);
    if (connection) {
      connection.on('error', () => undefined);
      const ready = await connection
        .createChannel()
        .then((channel) => channel.checkQueue(QUEUE))
        .then(
          () => true,
          () => false,
        );
      await connection.close().catch(() => undefined);
      if (ready) return;
    }
    await sleep(500);
  }
  throw new Error(`${url}: no broker with ${QUEUE} after ${HEALTHY_TIMEOUT_MS} ms`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    if (pid > 0) process.kill(pid, name);
  } catch {
    // ESRCH: already gone.
  }
}
