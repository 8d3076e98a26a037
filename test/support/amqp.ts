import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
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

/** Takes messages off `queue` until it is empty, returning their bodies as text. */
export async function drain(channel: Channel, queue: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (message === false) return bodies;
    bodies.push(message.content.toString());
  }
}

/** Takes every message off `queue` on each broker, returning message ids by broker id. */
export async function drainIds(
  brokers: readonly { id: string; url: string }[],
  queue: string,
): Promise<Map<string, string[]>> {
  const byBroker = new Map<string, string[]>();
  for (const broker of brokers) {
    const ids = await withChannel(broker.url, async (channel) => {
      const found: string[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (message === false) return found;
        found.push(String(message.properties.messageId));
      }
    });
    byBroker.set(broker.id, ids);
  }
  return byBroker;
}

/** Empties `queue` on every broker. */
export async function purgeEverywhere(urls: readonly string[], queue: string): Promise<void> {
  for (const url of urls) await withChannel(url, (channel) => channel.purgeQueue(queue));
}
