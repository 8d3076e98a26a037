import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '../../src/consume/consumed-message.js';
import { type Consumer, createConsumer } from '../../src/consume/create-consumer.js';
import { DEAD_LETTER_REASON_HEADER } from '../../src/consume/dead-letter.js';
import type { Topology } from '../../src/topology/topology.js';
import { takeAll, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { type OwnQueueOptions, ownQueues as ownQueuesOf } from '../support/own-queues.js';
import { brokerUrls, credentials } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';

const consumers: Consumer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const b1 = () => brokerUrls()[0]?.url ?? '';

const ownQueues = (options?: OwnQueueOptions) => ownQueuesOf('dl-test', cleanups, options);

async function consumerOf(
  topology: Topology,
  queue: string,
  handler: (message: ConsumedMessage) => Promise<void>,
): Promise<Consumer> {
  const { registry } = await freshFleetRegistry();
  const consumer = createConsumer({
    registry,
    queue,
    topology,
    handler,
    credentialsFor: async () => credentials,
    reconcileIntervalMs: 500,
    backoff: { initialMs: 200, maxMs: 1_000 },
  });
  consumers.push(consumer);
  return consumer;
}

/** A foreign publisher: raw amqplib, its own idea of a timestamp, bodies warren would never send. */
async function publishRaw(
  queue: string,
  messages: { id: string; content: Buffer; timestamp?: number; contentType?: string }[],
): Promise<void> {
  await withChannel(b1(), async (channel) => {
    for (const message of messages) {
      channel.sendToQueue(queue, message.content, {
        messageId: message.id,
        persistent: true,
        contentType: message.contentType ?? 'application/json',
        ...(message.timestamp !== undefined && { timestamp: message.timestamp }),
      });
    }
    await channel.waitForConfirms();
  });
}

const takeAllFromB1 = (queue: string) => withChannel(b1(), (channel) => takeAll(channel, queue));

const depth = (queue: string) =>
  withChannel(b1(), async (channel) => (await channel.checkQueue(queue)).messageCount);

describe('a consumer meeting messages it cannot decode', () => {
  it('dead-letters more undecodable messages than its prefetch with their reason, and consumes the good ones behind them', async () => {
    const { queue, dlq, topology } = await ownQueues();
    const badJson = Array.from({ length: 7 }, (_, i) => ({
      id: `bad-json-${i}`,
      content: Buffer.from('{"half":'),
    }));
    const badUtf8 = Array.from({ length: 7 }, (_, i) => ({
      id: `bad-utf8-${i}`,
      content: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    }));
    const microseconds = {
      id: 'micro',
      content: Buffer.from('{"ok":true}'),
      timestamp: Date.now() * 1000,
    };
    const good = Array.from({ length: 5 }, (_, i) => ({
      id: `good-${i}`,
      content: Buffer.from(JSON.stringify({ i })),
    }));
    await publishRaw(queue, [...badJson, ...badUtf8, microseconds, ...good]);
    const received: ConsumedMessage[] = [];

    await consumerOf(topology, queue, async (message) => void received.push(message));

    await eventually(async () =>
      expect(received.map((m) => m.id).sort()).toEqual([
        'good-0',
        'good-1',
        'good-2',
        'good-3',
        'good-4',
        'micro',
      ]),
    );
    expect(received.find((m) => m.id === 'micro')).toMatchObject({ body: { ok: true } });
    expect(received.find((m) => m.id === 'micro')?.publishedAt).toBeUndefined();
    await eventually(async () => expect(await depth(dlq)).toBe(14));
    const dead = await takeAllFromB1(dlq);
    const reasons = new Map(
      dead.map((m) => [m.properties.messageId, m.properties.headers?.[DEAD_LETTER_REASON_HEADER]]),
    );
    for (const { id } of badJson) expect(reasons.get(id)).toBe('body is not valid JSON');
    for (const { id } of badUtf8) expect(reasons.get(id)).toBe('body is not valid UTF-8');
    expect(dead.find((m) => m.properties.messageId === 'bad-utf8-0')?.content).toEqual(
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    );
    expect(await depth(queue)).toBe(0);
  });

  it("dead-letters with the queue's x-dead-letter-routing-key when the topology declares one", async () => {
    const { queue, dlq, topology } = await ownQueues({ dlxType: 'direct', routingKey: 'parked' });
    await publishRaw(queue, [{ id: 'bad', content: Buffer.from('nope') }]);

    await consumerOf(topology, queue, async () => undefined);

    await eventually(async () => expect(await depth(dlq)).toBe(1));
    const dead = await takeAllFromB1(dlq);
    expect(dead[0]?.fields.routingKey).toBe('parked');
    expect(dead[0]?.properties.headers?.[DEAD_LETTER_REASON_HEADER]).toBe('body is not valid JSON');
  });

  it('keeps a message in its queue when its dead-letter exchange routes it nowhere, never dropping it', async () => {
    const { queue, dlq, topology } = await ownQueues({ bound: false });
    await publishRaw(queue, [{ id: 'stuck', content: Buffer.from('nope') }]);
    const consumer = await consumerOf(topology, queue, async () => undefined);
    await eventually(async () =>
      expect([...consumer.status().values()].every((s) => s.state === 'consuming')).toBe(true),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    await consumer.stop();

    expect(await depth(queue)).toBe(1);
    expect(await depth(dlq)).toBe(0);
  });
});
