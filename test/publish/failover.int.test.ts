import { afterEach, describe, expect, inject, it } from 'vitest';
import { DEFAULT_HEALTH_POLICY } from '../../src/core/health-transition.js';
import { hasOutlierReport, rendezvousScore } from '../../src/core/node-selection.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { locateRabbitMq } from '../../src/fleet/rabbitmq-install.js';
import { rabbitmqctl } from '../../src/fleet/rabbitmqctl.js';
import { createAmqpBrokerPool } from '../../src/publish/amqp-broker-pool.js';
import type { BrokerPool } from '../../src/publish/broker-pool.js';
import { createPublisher } from '../../src/publish/create-publisher.js';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { credentials } from '../support/publishing.js';
import { freshRegistry } from '../support/registry.js';

const fleet = inject('fleet');
const tasks = { kind: 'queue', queue: 'tasks' } as const;
const pools: BrokerPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

/** A real pool that also records which brokers it was asked to use. */
function recordingPool(): { pool: BrokerPool; targets: string[] } {
  const real = createAmqpBrokerPool({ credentialsFor: async () => credentials });
  pools.push(real);
  const targets: string[] = [];
  return {
    targets,
    pool: {
      publish: (target, destination, messages, timeoutMs) => {
        targets.push(target.id);
        return real.publish(target, destination, messages, timeoutMs);
      },
      discard: (id) => real.discard(id),
      close: () => real.close(),
    },
  };
}

describe('failover', () => {
  it('lets a second publisher avoid a broker the first one reported, before any probe', async () => {
    const { registry } = await freshRegistry();
    const [deadPort] = await findFreePorts(1);
    const b2 = fleet.brokers.find((broker) => broker.id === 'b2');
    await registry.registerNode(
      { id: 'dead', endpoint: `amqp://127.0.0.1:${deadPort}` },
      new Date(),
    );
    await registry.registerNode({ id: 'b2', endpoint: b2?.endpoint ?? '' }, new Date());
    // Both look healthy to the registry, as just before a broker dies between probes.
    const probedAt = new Date().toISOString();
    for (const [id, version] of [
      ['dead', 0],
      ['b2', 0],
    ] as const) {
      await registry.recordHealth({
        id,
        expectedVersion: version,
        probeSeq: 1,
        probedAt,
        latencyMs: 1,
        record: {
          health: { state: 'healthy', since: probedAt },
          consecutiveSuccesses: DEFAULT_HEALTH_POLICY.rise,
          consecutiveFailures: 0,
          flapCount: 0,
        },
      });
    }
    // A key that rendezvous hashing sends to `dead` first.
    const key =
      Array.from({ length: 100 }, (_, i) => `k${i}`).find(
        (k) => rendezvousScore(k, 'dead') > rendezvousScore(k, 'b2'),
      ) ?? 'k';
    const publisherFor = (pool: BrokerPool) =>
      createPublisher({
        fleet: createCachedFleetView({ registry, ttlMs: 60_000, clock: Date.now }),
        pool,
        registry,
        probeIntervalMs: 60_000,
      });
    const first = recordingPool();
    const second = recordingPool();

    const [fromFirst] = await publisherFor(first.pool).publish(tasks, [{ body: 1, key }]);
    const dead = (await registry.listNodes()).nodes.find((node) => node.id === 'dead');
    const [fromSecond] = await publisherFor(second.pool).publish(tasks, [{ body: 2, key }]);

    expect(fromFirst).toMatchObject({ status: 'accepted', node: 'b2' });
    expect(first.targets).toEqual(['dead', 'b2']);
    expect(dead && hasOutlierReport(dead)).toBe(true);
    expect(fromSecond).toMatchObject({ status: 'accepted', node: 'b2' });
    expect(second.targets).toEqual(['b2']);
  });

  it('replaces a connection the broker dropped while idle without failing the next publish', async () => {
    const b1 = fleet.brokers.find((broker) => broker.id === 'b1');
    if (!b1?.local) throw new Error('no local b1');
    const { pool } = recordingPool();
    const target = { id: 'b1', endpoint: b1.endpoint };
    const message = (id: string) => ({
      id,
      content: Buffer.from('1'),
      headers: {},
      timestampSeconds: 0,
    });
    expect(await pool.publish(target, tasks, [message('before')], 1_000)).toEqual([{ ok: true }]);

    await rabbitmqctl(locateRabbitMq(process.env), b1.local, [
      'close_all_connections',
      'idle connection dropped by test',
    ]);

    expect(await pool.publish(target, tasks, [message('after')], 1_000)).toEqual([{ ok: true }]);
  });
});
