import { afterEach, describe, expect, it } from 'vitest';
import type { Consumer } from '../../src/consume/create-consumer.js';
import { purgeEverywhere, withChannel } from '../support/amqp.js';
import { dedupeConsumers } from '../support/dedupe-consumers.js';
import { eventually } from '../support/eventually.js';
import { brokerUrls } from '../support/publishing.js';

const consumers: Consumer[] = [];
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
});

async function publishTo(url: string, messageId: string | undefined): Promise<void> {
  await withChannel(url, async (channel) => {
    channel.sendToQueue('tasks', Buffer.from('{}'), {
      persistent: true,
      contentType: 'application/json',
      ...(messageId !== undefined && { messageId }),
    });
    await channel.waitForConfirms();
  });
}

const depth = async () => {
  let total = 0;
  for (const { url } of brokerUrls())
    total += await withChannel(url, async (c) => (await c.checkQueue('tasks')).messageCount);
  return total;
};

describe('consumers with de-duplication', () => {
  it('process a message published twice (on two brokers) once across two consumers, and acknowledge both copies', async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const handled: string[] = [];
    consumers.push(
      ...(await dedupeConsumers(['consumer-a', 'consumer-b'], async (message) => {
        handled.push(message.id);
        await new Promise((resolve) => setTimeout(resolve, 50));
      })),
    );
    const [first, second] = brokerUrls();

    for (let i = 0; i < 5; i++) {
      await publishTo(first?.url ?? '', `dup-${i}`);
      await publishTo(second?.url ?? '', `dup-${i}`);
    }
    await publishTo(first?.url ?? '', undefined);
    await publishTo(second?.url ?? '', undefined);

    await eventually(async () => expect(await depth()).toBe(0), { timeoutMs: 20_000 });
    await eventually(async () => expect(handled).toHaveLength(7));
    expect(handled.filter((id) => id.startsWith('dup-')).sort()).toEqual([
      'dup-0',
      'dup-1',
      'dup-2',
      'dup-3',
      'dup-4',
    ]);
  });
});
