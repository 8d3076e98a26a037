import { afterEach, describe, expect, it } from 'vitest';
import { type Consumer, createConsumer } from '../../src/consume/create-consumer.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { purgeEverywhere, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { sustainedLoad } from '../support/load.js';
import { brokerUrls, credentials, probe, publisherOver } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';

const consumers: Consumer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const depthOn = async (id: string) =>
  withChannel(
    brokerUrls().find((b) => b.id === id)?.url ?? '',
    async (channel) => (await channel.checkQueue('tasks')).messageCount,
  );

describe('the drain runbook', () => {
  it('stops publishers sending to a drained broker within one cache TTL while consumers empty it, losing nothing', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const { registry } = await freshFleetRegistry();
    await runProbeRound({ registry, probe, refreshAfterMs: 0 });
    const cacheTtlMs = 500;
    const setup = publisherOver(registry, { proberIntervalMs: 500, cacheTtlMs });
    cleanups.push(setup.close);
    const received = new Set<string>();
    // A slow consumer, so the drained broker still holds messages when the drain starts.
    const consumer = createConsumer({
      registry,
      queue: 'tasks',
      topology: defaultTopology,
      prefetch: 5,
      credentialsFor: async () => credentials,
      reconcileIntervalMs: 500,
      handler: async (message) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        received.add(message.id);
      },
    });
    consumers.push(consumer);
    let drainedAt = 0;
    const accepted: { id: string; node: string; at: number }[] = [];
    const tracking = {
      publish: async (...args: Parameters<typeof setup.publisher.publish>) => {
        const results = await setup.publisher.publish(...args);
        const at = Date.now();
        for (const result of results)
          if (result.status === 'accepted') accepted.push({ id: result.id, node: result.node, at });
        return results;
      },
    };

    const load = await sustainedLoad(tracking, {
      durationMs: 4_000,
      concurrency: 2,
      batchSize: 20,
      during: async () => {
        await registry.setAdminState('b2', 'draining', new Date());
        drainedAt = Date.now();
      },
    });

    expect(load.failedRequests).toBe(0);
    // A request already under way at the drain may still finish on b2, within one attempt timeout (1 s).
    const lateOnB2 = accepted.filter(
      (a) => a.node === 'b2' && a.at > drainedAt + cacheTtlMs + 1_000,
    );
    expect(lateOnB2).toEqual([]);
    expect(accepted.some((a) => a.node === 'b2' && a.at < drainedAt)).toBe(true);
    await eventually(async () => expect(await depthOn('b2')).toBe(0), { timeoutMs: 30_000 });
    await eventually(
      async () => expect(load.acceptedIds.filter((id) => !received.has(id))).toEqual([]),
      { timeoutMs: 30_000 },
    );
  });
});
