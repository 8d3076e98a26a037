import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectAmqp } from '../../src/amqp/connect-amqp.js';
import type { ConsumedMessage } from '../../src/consume/consumed-message.js';
import { type Consumer, createConsumer } from '../../src/consume/create-consumer.js';
import { DEAD_LETTER_REASON_HEADER } from '../../src/consume/dead-letter.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { drain, purgeEverywhere, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { sustainedLoad } from '../support/load.js';
import { brokerUrls, credentials, publishingSetup } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';

const fleet = inject('fleet');
const local = (id: string) => {
  const broker = fleet.brokers.find((candidate) => candidate.id === id)?.local;
  if (!broker) throw new Error(`no local broker ${id}`);
  return broker;
};
const consumers: Consumer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function publishDirect(
  url: string,
  queue: string,
  ids: string[],
  body: unknown = { n: 1 },
): Promise<void> {
  await withChannel(url, async (channel) => {
    for (const id of ids) {
      channel.sendToQueue(queue, Buffer.from(JSON.stringify(body)), {
        messageId: id,
        persistent: true,
        contentType: 'application/json',
      });
    }
    await channel.waitForConfirms();
  });
}

function consumerOf(
  registry: Awaited<ReturnType<typeof freshFleetRegistry>>['registry'],
  handler: (message: ConsumedMessage) => Promise<void>,
  options: { redeliveryLimit?: number; prefetch?: number } = {},
): Consumer {
  const consumer = createConsumer({
    registry,
    queue: 'tasks',
    topology: defaultTopology,
    handler,
    credentialsFor: async () => credentials,
    reconcileIntervalMs: 500,
    backoff: { initialMs: 200, maxMs: 2_000 },
    ...options,
  });
  consumers.push(consumer);
  return consumer;
}

describe('createConsumer against real brokers', () => {
  it('consumes from every broker, draining and unhealthy ones included, and says which broker each message came from', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const { registry } = await freshFleetRegistry();
    await registry.setAdminState('b2', 'draining', new Date());
    const received: ConsumedMessage[] = [];
    consumerOf(registry, async (message) => void received.push(message));

    for (const { id, url } of brokerUrls())
      await publishDirect(url, 'tasks', [`${id}-1`, `${id}-2`]);

    await eventually(async () => expect(received).toHaveLength(6));
    expect(received.map((m) => [m.node, m.id]).sort()).toEqual([
      ['b1', 'b1-1'],
      ['b1', 'b1-2'],
      ['b2', 'b2-1'],
      ['b2', 'b2-2'],
      ['b3', 'b3-1'],
      ['b3', 'b3-2'],
    ]);
    expect(received[0]?.body).toEqual({ n: 1 });
  });

  it('dead-letters a poison message after the redelivery limit, each failure counted, with the reason in a header', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'warren.dead-letter',
    );
    const { registry } = await freshFleetRegistry();
    const attempts: number[] = [];
    consumerOf(
      registry,
      async (message) => {
        attempts.push(message.redeliveries);
        throw new Error('poison');
      },
      { redeliveryLimit: 3 },
    );

    await publishDirect(local('b1').url, 'tasks', ['poison-1'], { poison: true });

    const dead = await eventually(async () => {
      const found = await withChannel(local('b1').url, async (channel) => {
        const message = await channel.get('warren.dead-letter', { noAck: true });
        return message === false ? [] : [message];
      });
      if (found.length === 0) throw new Error('not dead-lettered yet');
      return found;
    });
    expect(dead.map((m) => m.content.toString())).toEqual([JSON.stringify({ poison: true })]);
    expect(dead[0]?.properties.messageId).toBe('poison-1');
    expect(dead[0]?.properties.headers).toMatchObject({
      [DEAD_LETTER_REASON_HEADER]: 'handler failed 4 times',
      'x-warren-dead-letter-queue': 'tasks',
    });
    expect(attempts).toEqual([0, 1, 2, 3]);
    expect(
      await withChannel(local('b1').url, (channel) => drain(channel, 'warren.dead-letter')),
    ).toEqual([]);
  });

  it('finishes in-flight handlers on stop and leaves nothing unacknowledged', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const { registry } = await freshFleetRegistry();
    let started = 0;
    let finished = 0;
    const consumer = consumerOf(registry, async () => {
      started += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished += 1;
    });
    await publishDirect(local('b1').url, 'tasks', ['slow-1', 'slow-2', 'slow-3']);
    await eventually(async () => expect(started).toBeGreaterThan(0));

    await consumer.stop();

    expect(finished).toBe(started);
    const left = await withChannel(
      local('b1').url,
      async (channel) => (await channel.checkQueue('tasks')).messageCount,
    );
    expect(left).toBe(3 - finished);
  });

  it('receives every accepted message across a broker SIGKILL, reattaching to the restarted broker by itself', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const { registry } = await freshFleetRegistry();
    const received = new Map<string, number>();
    const consumer = consumerOf(registry, async (message) => {
      received.set(message.id, (received.get(message.id) ?? 0) + 1);
    });
    await eventually(async () =>
      expect([...consumer.status().values()].every((s) => s.state === 'consuming')).toBe(true),
    );
    const setup = await publishingSetup({ proberIntervalMs: 500 });
    cleanups.push(setup.close);
    const pid = Number.parseInt(await readFile(local('b2').pidFile, 'utf8'), 10);

    const load = await sustainedLoad(setup.publisher, {
      durationMs: 4_000,
      concurrency: 2,
      batchSize: 10,
      during: async () => {
        process.kill(pid, 'SIGKILL');
      },
    });
    await eventually(
      async () => (await connectAmqp(local('b2').url, { timeoutMs: 1_000 })).close(),
      { timeoutMs: 45_000 },
    );
    await eventually(async () => expect(consumer.status().get('b2')?.state).toBe('consuming'), {
      timeoutMs: 30_000,
    });
    await eventually(
      async () => expect(load.acceptedIds.filter((id) => !received.has(id))).toEqual([]),
      { timeoutMs: 30_000 },
    );

    const duplicates = [...received.values()].reduce((sum, n) => sum + n - 1, 0);
    console.log(
      `consumer across SIGKILL: ${load.acceptedIds.length} accepted, all received, ${duplicates} duplicates`,
    );
  });
});
