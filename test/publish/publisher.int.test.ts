import { afterEach, describe, expect, it } from 'vitest';
import { connectAmqp } from '../../src/amqp/connect-amqp.js';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { locateRabbitMq } from '../../src/fleet/rabbitmq-install.js';
import { rabbitmqctl } from '../../src/fleet/rabbitmqctl.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import type { HealthRegistry } from '../../src/registry/health-registry.js';
import { drainIds, purgeEverywhere } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { brokerPid, localBroker, withHungBroker } from '../support/fleet-brokers.js';
import { percentile, sustainedLoad } from '../support/load.js';
import { brokerUrls, probe, publisherOver, publishingSetup } from '../support/publishing.js';
import { deadFleetRegistry, freshFleetRegistry } from '../support/registry.js';

const tasks = { kind: 'queue', queue: 'tasks' } as const;
const local = localBroker;
const acceptsAmqp = (url: string) =>
  eventually(async () => (await connectAmqp(url, { timeoutMs: 1_000 })).close(), {
    timeoutMs: 45_000,
  });

/** Every accepted id must be on some broker; returns how many copies were found beyond one. */
async function expectAllDelivered(acceptedIds: readonly string[]): Promise<number> {
  const byBroker = await drainIds(brokerUrls(), 'tasks');
  const found = [...byBroker.values()].flat();
  const counts = new Map<string, number>();
  for (const id of found) counts.set(id, (counts.get(id) ?? 0) + 1);
  const missing = acceptedIds.filter((id) => !counts.has(id));
  expect(missing).toEqual([]);
  return found.length - counts.size;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the publisher against real brokers', () => {
  it('spreads 40 concurrent requests of 25 messages over the 3 brokers, every message consumable', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const setup = await publishingSetup();
    cleanups.push(setup.close);

    // Each request's messages go to one broker; concurrent requests spread by
    // their load in flight (a sequential caller's go to the faster of two).
    const requests = Array.from({ length: 40 }, (_, batch) =>
      setup.publisher.publish(
        tasks,
        Array.from({ length: 25 }, (_, i) => ({ id: `spread-${batch}-${i}`, body: { batch, i } })),
      ),
    );
    const results = (await Promise.all(requests)).flat();

    expect(results.filter((result) => result.status !== 'accepted')).toEqual([]);
    const perNode = new Map<string, number>();
    for (const result of results)
      if (result.status === 'accepted')
        perNode.set(result.node, (perNode.get(result.node) ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual(['b1', 'b2', 'b3']);
    const byBroker = await drainIds(brokerUrls(), 'tasks');
    for (const [node, count] of perNode) expect(byBroker.get(node)).toHaveLength(count);
    expect(new Set([...byBroker.values()].flat()).size).toBe(1_000);
  });

  it('keeps messages with the same key on one broker, in order', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const setup = await publishingSetup();
    cleanups.push(setup.close);

    const results = await setup.publisher.publish(
      tasks,
      Array.from({ length: 50 }, (_, i) => ({
        id: `order-${String(i).padStart(2, '0')}`,
        body: i,
        key: 'customer-7',
      })),
    );

    const nodes = new Set(
      results.map((result) => (result.status === 'accepted' ? result.node : 'failed')),
    );
    expect(nodes.size).toBe(1);
    const [node] = [...nodes];
    const ids = (await drainIds(brokerUrls(), 'tasks')).get(node ?? '');
    expect(ids).toEqual(results.map((result) => result.id));
  });

  it('sends nothing to a broker whose memory alarm is raised', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const install = locateRabbitMq(process.env);
    const setup = await publishingSetup();
    cleanups.push(setup.close);
    await rabbitmqctl(install, local('b1'), ['set_vm_memory_high_watermark', '0.000001']);
    cleanups.push(
      async () =>
        void (await rabbitmqctl(install, local('b1'), ['set_vm_memory_high_watermark', '0.4'])),
    );
    await runProbeRound({ registry: setup.registry, probe, refreshAfterMs: 0 });
    setup.fleet.invalidate();
    await setup.fleet.read();

    const results = await setup.publisher.publish(
      tasks,
      Array.from({ length: 100 }, (_, i) => ({ id: `alarm-${i}`, body: i })),
    );

    expect(results.every((result) => result.status === 'accepted' && result.node !== 'b1')).toBe(
      true,
    );
    expect((await drainIds(brokerUrls(), 'tasks')).get('b1')).toEqual([]);
  });

  it('reports every message failed, none accepted, when no broker is reachable', async () => {
    const registry = await deadFleetRegistry();
    const setup = publisherOver(registry);
    cleanups.push(setup.close);

    const results = await setup.publisher.publish(
      tasks,
      [
        { id: 'a', body: 1 },
        { id: 'b', body: 2 },
      ],
      { deadlineMs: 2_000 },
    );

    expect(results).toEqual([
      { id: 'a', status: 'failed', code: expect.any(String), error: expect.any(String) },
      { id: 'b', status: 'failed', code: expect.any(String), error: expect.any(String) },
    ]);
  });

  it('keeps publishing with the last known good view when the registry becomes unreachable', async () => {
    const { registry } = await freshFleetRegistry();
    await runProbeRound({ registry, probe, refreshAfterMs: 0 });
    const [port] = await findFreePorts(1);
    const dead = createDynamoDbClients({ endpoint: `http://127.0.0.1:${port}` });
    const unreachable = new DynamoDbHealthRegistry({
      client: dead.documentClient,
      tableName: 'gone',
    });
    let target: HealthRegistry = registry;
    // The publisher's registry, whose DynamoDB goes away mid-test.
    const switching: HealthRegistry = {
      listNodes: () => target.listNodes(),
      registerNode: (...args) => target.registerNode(...args),
      recordHealth: (...args) => target.recordHealth(...args),
      reportOutlier: (...args) => target.reportOutlier(...args),
      setAdminState: (...args) => target.setAdminState(...args),
      acquireLease: (...args) => target.acquireLease(...args),
      releaseLease: (...args) => target.releaseLease(...args),
      readLease: () => target.readLease(),
    };
    const setup = publisherOver(switching, { cacheTtlMs: 0 });
    cleanups.push(setup.close);
    await setup.publisher.publish(tasks, [{ body: 'warm' }]);

    target = unreachable;
    await eventually(async () => expect((await setup.fleet.read()).source).toBe('last-known-good'));
    const results = await setup.publisher.publish(
      tasks,
      Array.from({ length: 20 }, (_, i) => ({ body: i })),
    );

    expect(results.every((result) => result.status === 'accepted')).toBe(true);
  });

  it('loses no accepted message and fails no request when a broker is killed with SIGKILL under load', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const setup = await publishingSetup({ proberIntervalMs: 500 });
    cleanups.push(setup.close);

    const load = await sustainedLoad(setup.publisher, {
      durationMs: 6_000,
      concurrency: 4,
      batchSize: 10,
      during: async () => {
        process.kill(await brokerPid('b2'), 'SIGKILL');
      },
    });
    await acceptsAmqp(local('b2').url);

    expect(load.failedRequests).toBe(0);
    expect(load.requests).toBeGreaterThan(20);
    expect(percentile(load.latenciesMs, 99)).toBeLessThan(1_000);
    const duplicates = await expectAllDelivered(load.acceptedIds);
    console.log(
      `SIGKILL under load: ${load.requests} requests, ${load.acceptedIds.length} accepted, p99 ${percentile(load.latenciesMs, 99).toFixed(1)} ms, ${duplicates} duplicates`,
    );
  });

  it('fails no request, holds every request under 2 s and loses nothing when a broker hangs (SIGSTOP) under load', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const setup = await publishingSetup({ proberIntervalMs: 500 });
    cleanups.push(setup.close);
    const load = await withHungBroker('b3', (hang) =>
      sustainedLoad(setup.publisher, {
        durationMs: 6_000,
        concurrency: 4,
        batchSize: 10,
        during: async () => hang(),
      }),
    );
    await acceptsAmqp(local('b3').url);

    expect(load.failedRequests).toBe(0);
    expect(Math.max(...load.latenciesMs)).toBeLessThan(2_000);
    const duplicates = await expectAllDelivered(load.acceptedIds);
    console.log(
      `SIGSTOP under load: ${load.requests} requests, ${load.acceptedIds.length} accepted, max ${Math.max(...load.latenciesMs).toFixed(0)} ms, ${duplicates} duplicates`,
    );
  });
});
