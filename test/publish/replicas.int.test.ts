import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectAmqp } from '../../src/amqp/connect-amqp.js';
import type { Consumer } from '../../src/consume/create-consumer.js';
import type { MessageResult, Publisher } from '../../src/publish/publisher.js';
import { drainIds, purgeEverywhere, withChannel } from '../support/amqp.js';
import { dedupeConsumers } from '../support/dedupe-consumers.js';
import { eventually } from '../support/eventually.js';
import { brokerPid, localBroker, withHungBroker } from '../support/fleet-brokers.js';
import { percentile, sustainedLoad } from '../support/load.js';
import { brokerUrls } from '../support/publishing.js';

// Replicated accept, from the outside: the running local fleet's HTTP API, real
// brokers, one of them losing its disk (kill -9 and its data directory deleted).

const fleet = inject('fleet');
const local = localBroker;

/** Publishes through `POST /v1/publish` of the fleet with `replicas`; keeps every accepted result. */
function httpPublisher(replicas: number) {
  const accepted: Extract<MessageResult, { status: 'accepted' }>[] = [];
  const failed: Extract<MessageResult, { status: 'failed' }>[] = [];
  const publisher: Publisher = {
    async publish(_destination, messages) {
      const response = await fetch(`${fleet.apiUrl}/v1/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ queue: 'tasks', replicas, messages }),
      });
      const body = (await response.json()) as { results?: MessageResult[] };
      const results = body.results ?? [];
      for (const result of results) {
        if (result.status === 'accepted') accepted.push(result);
        else failed.push(result);
      }
      return results.length === messages.length
        ? results
        : messages.map((message) => ({
            id: message.id ?? '',
            status: 'failed',
            code: 'brokers_failed',
            error: `HTTP ${response.status}`,
          }));
    },
  };
  return { publisher, accepted, failed };
}

/** Every broker healthy in the fleet's own registry: a test of N copies needs N eligible brokers. */
const allHealthy = () =>
  eventually(
    async () => {
      const { nodes } = (await (await fetch(`${fleet.apiUrl}/v1/nodes`)).json()) as {
        nodes: { id: string; health: { state: string } }[];
      };
      const unwell = nodes.filter((node) => node.health.state !== 'healthy');
      if (unwell.length > 0) throw new Error(`not healthy: ${JSON.stringify(unwell)}`);
    },
    { timeoutMs: 90_000 },
  );

/** The disk loss: the broker is stopped, its data directory deleted, then killed; its supervisor restarts it empty. */
async function loseDisk(id: string): Promise<void> {
  const pid = await brokerPid(id);
  process.kill(pid, 'SIGSTOP');
  await rm(join(local(id).dir, 'mnesia'), { recursive: true, force: true });
  process.kill(pid, 'SIGKILL');
}

/** Back, and its topology declared again (the queue exists). */
const backWithTopology = (id: string) =>
  eventually(
    async () => {
      const connection = await connectAmqp(local(id).url, { timeoutMs: 1_000 });
      await connection.close();
      await withChannel(local(id).url, (channel) => channel.checkQueue('tasks'));
    },
    { timeoutMs: 60_000 },
  );

const others = (id: string) => brokerUrls().filter((broker) => broker.id !== id);
const emptyEverywhere = () =>
  purgeEverywhere(
    brokerUrls().map((broker) => broker.url),
    'tasks',
  );

const consumers: Consumer[] = [];
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
});

describe('replicated accept against the running fleet', () => {
  it('strands and loses part of a replicas-1 backlog on a broker that stops and loses its disk, and nothing with replicas 2', async () => {
    await allHealthy();
    await emptyEverywhere();
    const single = httpPublisher(1);
    const double = httpPublisher(2);
    const onB2 = () => single.accepted.filter((result) => result.node === 'b2').map((r) => r.id);
    // 10 batches of each; more while b2 has none yet (the fleet's publisher may still hold b2
    // out after an earlier test's kill: its ejection lasts up to 60 s).
    let batches = 0;
    const deadline = Date.now() + 75_000;
    while (batches < 10 || (onB2().length === 0 && Date.now() < deadline)) {
      const n = batches++;
      const batch = (prefix: string) =>
        Array.from({ length: 10 }, (_, i) => ({ id: `${prefix}-${n}-${i}`, body: { n, i } }));
      await single.publisher.publish({ kind: 'queue', queue: 'tasks' }, batch('one'));
      await double.publisher.publish({ kind: 'queue', queue: 'tasks' }, batch('two'));
      if (batches >= 10) await sleep(500);
    }
    expect(single.accepted).toHaveLength(10 * batches);
    expect(double.accepted).toHaveLength(10 * batches);
    for (const result of double.accepted) expect(new Set(result.nodes).size).toBe(2);
    expect(onB2().length).toBeGreaterThan(0);

    // While b2 is down, what can consumers of the other brokers reach?
    const reachable = await withHungBroker('b2', async (hang) => {
      hang();
      return [...(await drainIds(others('b2'), 'tasks')).values()].flat();
    });
    const stranded = (results: readonly { id: string }[]) =>
      results.filter((result) => !reachable.includes(result.id)).map((result) => result.id);
    expect(stranded(double.accepted)).toEqual([]);
    expect(stranded(single.accepted).sort()).toEqual(onB2().sort());

    // Then b2 loses its disk: its replicas-1 messages are gone for good.
    await loseDisk('b2');
    await backWithTopology('b2');
    const afterLoss = [...(await drainIds(brokerUrls(), 'tasks')).values()].flat();
    expect(afterLoss.filter((id) => onB2().includes(id))).toEqual([]);
    console.log(
      `b2 down: replicas 1 stranded ${stranded(single.accepted).length} of ${single.accepted.length} (lost with its disk); replicas 2 stranded 0 of ${double.accepted.length}`,
    );
  }, 240_000);

  // Long: the restart waits out the supervisor's back-off (it grows with every chaos test's kill),
  // and the consumers drain every copy through the dedupe store.
  it('fails no request under HTTP load with replicas 2 while a broker loses its disk, and dedupe consumers handle every accepted id exactly once', async () => {
    await allHealthy();
    await emptyEverywhere();
    const { publisher, accepted, failed } = httpPublisher(2);

    const load = await sustainedLoad(publisher, {
      durationMs: 6_000,
      concurrency: 4,
      batchSize: 10,
      during: () => loseDisk('b2'),
    });
    await backWithTopology('b2');

    expect(failed).toEqual([]);
    expect(load.failedRequests).toBe(0);
    expect(load.requests).toBeGreaterThan(20);
    for (const result of accepted) expect(new Set(result.nodes).size).toBe(2);
    const ids = new Set(load.acceptedIds);
    expect(ids.size).toBe(load.acceptedIds.length);

    const handled: string[] = [];
    consumers.push(
      ...(await dedupeConsumers(['consumer-a', 'consumer-b'], async (message) => {
        handled.push(message.id);
      })),
    );
    await eventually(
      async () => {
        let depth = 0;
        for (const { url } of brokerUrls())
          depth += await withChannel(url, async (c) => (await c.checkQueue('tasks')).messageCount);
        if (depth > 0 || handled.length < ids.size)
          throw new Error(`${depth} messages queued, ${handled.length} of ${ids.size} handled`);
      },
      { timeoutMs: 120_000 },
    );

    expect(handled.filter((id) => !ids.has(id))).toEqual([]);
    expect(handled).toHaveLength(ids.size);
    expect(new Set(handled).size).toBe(ids.size);
    console.log(
      `replicas 2, disk loss under HTTP load: ${load.requests} requests, 0 failed, ${ids.size} accepted, each handled once; p99 ${percentile(load.latenciesMs, 99).toFixed(0)} ms, max ${Math.max(...load.latenciesMs).toFixed(0)} ms`,
    );
  }, 180_000);

  it('fails no request and holds every request under 2 s with replicas 2 while a broker hangs (SIGSTOP) under HTTP load', async () => {
    await allHealthy();
    await emptyEverywhere();
    const { publisher, accepted, failed } = httpPublisher(2);
    const load = await withHungBroker('b3', (hang) =>
      sustainedLoad(publisher, {
        durationMs: 6_000,
        concurrency: 4,
        batchSize: 10,
        during: async () => hang(),
      }),
    );
    await backWithTopology('b3');

    expect(failed).toEqual([]);
    expect(load.failedRequests).toBe(0);
    expect(Math.max(...load.latenciesMs)).toBeLessThan(2_000);
    for (const result of accepted) expect(new Set(result.nodes).size).toBe(2);
    const held = await drainIds(brokerUrls(), 'tasks');
    const copies = new Map<string, number>();
    for (const id of [...held.values()].flat()) copies.set(id, (copies.get(id) ?? 0) + 1);
    expect(load.acceptedIds.filter((id) => (copies.get(id) ?? 0) < 2)).toEqual([]);
    console.log(
      `replicas 2, SIGSTOP under HTTP load: ${load.requests} requests, 0 failed, max ${Math.max(...load.latenciesMs).toFixed(0)} ms, p99 ${percentile(load.latenciesMs, 99).toFixed(0)} ms`,
    );
  }, 150_000);
});
