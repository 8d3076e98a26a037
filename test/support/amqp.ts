import type { Channel, ChannelModel, ConfirmChannel, Message } from 'amqplib';
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

/**
 * Takes every message off `queue` until it is empty. A consumer, not `basic.get`:
 * a get from a quorum queue is a log entry of its own, a thousand times slower.
 */
export async function takeAll(channel: Channel, queue: string): Promise<Message[]> {
  const { messageCount } = await channel.checkQueue(queue);
  const taken: Message[] = [];
  if (messageCount > 0) {
    // Done once the count at the start arrived, or nothing came for a second (another consumer took some).
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    let idle = setTimeout(settle, 1_000);
    const { consumerTag } = await channel.consume(
      queue,
      (message) => {
        clearTimeout(idle);
        if (message) taken.push(message);
        if (!message || taken.length >= messageCount) settle();
        else idle = setTimeout(settle, 1_000);
      },
      { noAck: true },
    );
    await settled;
    clearTimeout(idle);
    await channel.cancel(consumerTag);
  }
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
