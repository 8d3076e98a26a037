import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '../../src/consume/consumed-message.js';
import { type Consumer, createConsumer } from '../../src/consume/create-consumer.js';
import { DEAD_LETTER_REASON_HEADER } from '../../src/consume/dead-letter.js';
import { drainIds, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { ownQueues } from '../support/own-queues.js';
import { brokerUrls, credentials, publishingSetup } from '../support/publishing.js';

const consumers: Consumer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// BENCHMARKS.md measures a one-member quorum queue per broker at about 60% of
// a classic queue's broker CPU per message; a topology may declare one.
describe('a topology queue declared as a one-member quorum queue on each broker', () => {
  it('is a quorum queue, takes confirmed publishes and gives each to the consumer, retries and dead-letters included', async () => {
    const { queue, dlx, dlq, topology } = await ownQueues('qq', cleanups, { queueType: 'quorum' });
    for (const { url } of brokerUrls()) {
      // Redeclaring it as a classic queue is refused: the broker holds a quorum queue.
      const redeclared = await withChannel(url, (channel) =>
        channel.assertQueue(queue, {
          durable: true,
          arguments: { 'x-dead-letter-exchange': dlx, 'x-queue-type': 'classic' },
        }),
      ).catch((error: Error) => error);
      expect(String(redeclared)).toMatch(/PRECONDITION_FAILED.*x-queue-type/);
    }

    const setup = await publishingSetup({ settings: { topology } });
    cleanups.push(() => setup.close());
    const ids = Array.from({ length: 60 }, (_, i) => `qq-${i}`);
    const results = await setup.publisher.publish(
      { kind: 'queue', queue },
      [...ids, 'flaky', 'poison'].map((id) => ({ id, body: { id } })),
    );
    expect(results.filter((result) => result.status !== 'accepted')).toEqual([]);

    const handled = new Map<string, number[]>();
    const consumer = createConsumer({
      registry: setup.registry,
      queue,
      topology,
      credentialsFor: async () => credentials,
      reconcileIntervalMs: 500,
      backoff: { initialMs: 200, maxMs: 1_000 },
      redeliveryLimit: 2,
      async handler(message: ConsumedMessage) {
        handled.set(message.id, [...(handled.get(message.id) ?? []), message.redeliveries]);
        if (message.id === 'poison') throw new Error('poison');
        if (message.id === 'flaky' && message.redeliveries === 0) throw new Error('flaky');
      },
    });
    consumers.push(consumer);

    const dead = await eventually(async () => {
      const found = (
        await Promise.all(
          brokerUrls().map(({ url }) =>
            withChannel(url, async (channel) => {
              const message = await channel.get(dlq, { noAck: true });
              return message === false ? [] : [message];
            }),
          ),
        )
      ).flat();
      if (found.length === 0) throw new Error('not dead-lettered yet');
      return found;
    });
    expect(dead.map((m) => m.properties.messageId)).toEqual(['poison']);
    expect(dead[0]?.properties.headers).toMatchObject({
      [DEAD_LETTER_REASON_HEADER]: 'handler failed 3 times',
    });
    await eventually(async () => expect(handled.size).toBe(62));
    for (const id of ids) expect(handled.get(id)).toEqual([0]);
    expect(handled.get('flaky')).toEqual([0, 1]);
    expect(handled.get('poison')).toEqual([0, 1, 2]);
    await consumer.stop();
    const left = await drainIds(brokerUrls(), queue);
    expect([...left.values()].flat()).toEqual([]);
  });
});
