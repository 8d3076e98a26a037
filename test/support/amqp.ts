import type { Channel, ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { consumeHeld } from '../../bench/support/drain-queue.js';
import { connectAmqp } from '../../src/amqp/connect-amqp.js';

/** Runs `use` with a fresh connection and confirm channel, and always closes both. */
export async function withChannel<T>(
  url: string,
  use: (channel: ConfirmChannel, connection: ChannelModel) => Promise<T>,
): Promise<T> {
  const connection = await connectAmqp(url, { timeoutMs: 5_000, connectionName: 'warren test' });
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return await use(channel, connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Takes every message off `queue` until it is empty, with a consumer (`consumeHeld`), then a last get. */
export async function takeAll(channel: Channel, queue: string): Promise<Message[]> {
  const taken: Message[] = [];
  // Done once the count at the start arrived, or nothing came for a second (another consumer took some).
  await consumeHeld(channel, queue, 1_000, (message) => taken.push(message));
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (message === false) return taken;
    taken.push(message);
  }
}

/** Takes messages off `queue` until it is empty, returning their bodies as text. */
export async function drain(channel: Channel, queue: string): Promise<string[]> {
  return (await takeAll(channel, queue)).map((message) => message.content.toString());
}

/** Takes every message off `queue` on each broker, returning message ids by broker id. */
export async function drainIds(
  brokers: readonly { id: string; url: string }[],
  queue: string,
): Promise<Map<string, string[]>> {
  const byBroker = new Map<string, string[]>();
  for (const broker of brokers) {
    const ids = await withChannel(broker.url, async (channel) => {
      const taken = await takeAll(channel, queue);
      return taken.map((message) => String(message.properties.messageId));
    });
    byBroker.set(broker.id, ids);
  }
  return byBroker;
}

/** Empties `queue` on every broker. */
export async function purgeEverywhere(urls: readonly string[], queue: string): Promise<void> {
  for (const url of urls) await withChannel(url, (channel) => channel.purgeQueue(queue));
}
