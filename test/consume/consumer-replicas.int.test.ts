import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '../../src/consume/consumed-message.js';
import type { ConsumerEvent } from '../../src/consume/consumer-event.js';
import {
  type Consumer,
  type ConsumerOptions,
  createConsumer,
} from '../../src/consume/create-consumer.js';
import { DynamoDbDedupeStore } from '../../src/consume/dynamodb-dedupe-store.js';
import { REPLICAS_HEADER } from '../../src/core/replicas.js';
import { createRegistryTable } from '../../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { startLocalDynamoDb } from '../../src/fleet/local-dynamodb.js';
import { withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { ownQueues } from '../support/own-queues.js';
import { brokerUrls, credentials } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';

const consumers: Consumer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ownQueue = () => ownQueues('replicas', cleanups);

/** Publishes one copy of a message to the broker at `url`, as a replicating publisher (or a foreign client) would. */
async function publishCopy(
  url: string,
  queue: string,
  properties: { messageId?: string; headers?: Record<string, unknown> },
): Promise<void> {
  await withChannel(url, async (channel) => {
    channel.sendToQueue(queue, Buffer.from('{"n":1}'), {
      persistent: true,
      contentType: 'application/json',
      ...properties,
    });
    await channel.waitForConfirms();
  });
}

const depths = async (queue: string) => {
  const found: number[] = [];
  for (const { url } of brokerUrls())
    found.push(await withChannel(url, async (c) => (await c.checkQueue(queue)).messageCount));
  return found;
};

/** A consumer of `queue` on every fleet broker, recording what it handles and emits. */
async function consume(
  queue: Awaited<ReturnType<typeof ownQueue>>,
  options: Partial<ConsumerOptions> = {},
) {
  const { registry } = await freshFleetRegistry();
  const handled: ConsumedMessage[] = [];
  const events: ConsumerEvent[] = [];
  const consumer = createConsumer({
    registry,
    queue: queue.queue,
    topology: queue.topology,
    credentialsFor: async () => credentials,
    reconcileIntervalMs: 500,
    handler: async (message) => {
      handled.push(message);
    },
    onEvent: (event) => events.push(event),
    ...options,
  });
  consumers.push(consumer);
  await eventually(async () => expect(events.filter((e) => e.type === 'attached')).toHaveLength(3));
  return { consumer, handled, events };
}

/** A dedupe store on a fresh table of its own dynalite, which the test can stop and start again. */
async function ownDedupeStore() {
  let db = await startLocalDynamoDb();
  const { port } = new URL(db.endpoint);
  const clients = createDynamoDbClients({ endpoint: db.endpoint });
  const tableName = 'dedupe';
  await createRegistryTable(clients.client, tableName);
  cleanups.push(async () => {
    clients.client.destroy();
    await db.close();
  });
  return {
    store: new DynamoDbDedupeStore({ client: clients.documentClient, tableName }),
    stop: () => db.close(),
    /** On the same port, with the table created again: dynalite keeps nothing. */
    async restart() {
      db = await startLocalDynamoDb({ port: Number(port) });
      await createRegistryTable(clients.client, tableName);
    },
  };
}

const [b1, b2] = [() => brokerUrls()[0]?.url ?? '', () => brokerUrls()[1]?.url ?? ''];

describe('consumers meeting a message published as several copies', () => {
  it('process a message with two copies on two brokers once with a DynamoDB dedupe store, and ack both copies', async () => {
    const queue = await ownQueue();
    const { clients, tableName } = await freshFleetRegistry();
    const store = new DynamoDbDedupeStore({ client: clients.documentClient, tableName });
    const { consumer, handled, events } = await consume(queue, { dedupe: { store } });
    const messageId = randomUUID();

    await publishCopy(b1(), queue.queue, { messageId, headers: { [REPLICAS_HEADER]: 2 } });
    await publishCopy(b2(), queue.queue, { messageId, headers: { [REPLICAS_HEADER]: 2 } });

    await eventually(async () => expect(consumer.stats().duplicatesSkipped).toBe(1));
    await eventually(async () => expect(await depths(queue.queue)).toEqual([0, 0, 0]));
    expect(handled.map((m) => [m.id, m.replicas])).toEqual([[messageId, 2]]);
    expect(events.filter((e) => e.type === 'replicated-without-dedupe')).toEqual([]);
  });

  it('without a dedupe store, process both copies and report each, never silently', async () => {
    const queue = await ownQueue();
    const { consumer, handled, events } = await consume(queue);
    const messageId = randomUUID();

    await publishCopy(b1(), queue.queue, { messageId, headers: { [REPLICAS_HEADER]: 2 } });
    await publishCopy(b2(), queue.queue, { messageId, headers: { [REPLICAS_HEADER]: 2 } });

    await eventually(async () => expect(handled).toHaveLength(2));
    expect(new Set(handled.map((m) => m.node))).toEqual(new Set(['b1', 'b2']));
    expect(events.filter((e) => e.type === 'replicated-without-dedupe')).toEqual(
      expect.arrayContaining([
        {
          type: 'replicated-without-dedupe',
          node: 'b1',
          messageId,
          replicas: 2,
          because: 'no-dedupe-store',
        },
        {
          type: 'replicated-without-dedupe',
          node: 'b2',
          messageId,
          replicas: 2,
          because: 'no-dedupe-store',
        },
      ]),
    );
    expect(consumer.stats().replicatedWithoutDedupe).toBe(2);
    expect(await depths(queue.queue)).toEqual([0, 0, 0]);
  });

  it('treat foreign messages (no header, a garbage header, no messageId) as single copies, processed as ever', async () => {
    const queue = await ownQueue();
    const { clients, tableName } = await freshFleetRegistry();
    const store = new DynamoDbDedupeStore({ client: clients.documentClient, tableName });
    const { consumer, handled, events } = await consume(queue, { dedupe: { store } });

    await publishCopy(b1(), queue.queue, { messageId: 'foreign-1' });
    for (const [i, garbage] of ['abc', 7, -1, '2.5'].entries())
      await publishCopy(b1(), queue.queue, {
        messageId: `garbage-${i}`,
        headers: { [REPLICAS_HEADER]: garbage },
      });
    await publishCopy(b1(), queue.queue, {});
    await publishCopy(b2(), queue.queue, {});

    await eventually(async () => expect(handled).toHaveLength(7));
    expect(handled.every((m) => m.replicas === 1)).toBe(true);
    expect(handled.filter((m) => !m.hasMessageId)).toHaveLength(2);
    expect(events.filter((e) => e.type === 'replicated-without-dedupe')).toEqual([]);
    expect(consumer.stats()).toEqual({
      duplicatesSkipped: 0,
      replicatedWithoutDedupe: 0,
      dedupeFailures: 0,
    });
    await eventually(async () => expect(await depths(queue.queue)).toEqual([0, 0, 0]));
  });

  it('put a message back, unprocessed and not dead-lettered, while the dedupe store is unreachable, and process it once it answers', async () => {
    const queue = await ownQueue();
    const dedupe = await ownDedupeStore();
    const { consumer, handled, events } = await consume(queue, { dedupe: { store: dedupe.store } });
    await dedupe.stop();
    const messageId = randomUUID();

    await publishCopy(b1(), queue.queue, { messageId, headers: { [REPLICAS_HEADER]: 2 } });
    await publishCopy(b2(), queue.queue, { messageId, headers: { [REPLICAS_HEADER]: 2 } });

    await eventually(async () => expect(consumer.stats().dedupeFailures).toBeGreaterThanOrEqual(4));
    expect(handled).toEqual([]);
    expect(events.find((e) => e.type === 'dedupe-failed')).toMatchObject({
      messageId,
      stage: 'claim',
      reason: expect.stringContaining(messageId),
    });
    expect(await depths(queue.dlq)).toEqual([0, 0, 0]);

    await dedupe.restart();
    // Ready counts alone say 0 while a copy waits out its requeue pause unacknowledged: wait for the handling.
    await eventually(async () => expect(handled.map((m) => m.id)).toEqual([messageId]));
    await eventually(async () => expect(await depths(queue.queue)).toEqual([0, 0, 0]));
    await sleep(1_500); // longer than the requeue pause: the other copy is skipped, not handled
    expect(handled.map((m) => m.id)).toEqual([messageId]);
    expect(await depths(queue.queue)).toEqual([0, 0, 0]);
    expect(await depths(queue.dlq)).toEqual([0, 0, 0]);
  });
});
