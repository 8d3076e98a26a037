/** Empties a queue on one broker, handing each message to the caller. */
import { type Channel, type ConsumeMessage, connect } from 'amqplib';

/**
 * Consumes `queue` at `url` without acks until it has delivered as many
 * messages as it held when the drain began, or has sent nothing for `idleMs`;
 * `visit` sees each message. Answers how many were read.
 *
 * @example const read = await drainQueue(url, 'tasks', 3_000, (message) => ids.push(message.properties.messageId));
 */
export async function drainQueue(
  url: string,
  queue: string,
  idleMs: number,
  visit: (message: ConsumeMessage) => void,
): Promise<number> {
  const connection = await connect(url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return await consumeHeld(channel, queue, idleMs, visit);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * `drainQueue` on a channel the caller holds: consumes `queue` without acks
 * until it has delivered as many messages as it held at the start, or nothing
 * for `idleMs`, then cancels its consumer (a message delivered before the
 * cancel is answered is still visited). A consumer, not `basic.get`: a get
 * from a quorum queue is a log entry of its own, a thousand times slower.
 *
 * @example await consumeHeld(channel, 'tasks', 1_000, (message) => bodies.push(message.content));
 */
export async function consumeHeld(
  channel: Channel,
  queue: string,
  idleMs: number,
  visit: (message: ConsumeMessage) => void,
): Promise<number> {
  const { messageCount } = await channel.checkQueue(queue);
  let read = 0;
  if (messageCount === 0) return read;
  let consuming: Promise<string | undefined> = Promise.resolve(undefined);
  await new Promise<void>((resolve) => {
    let idle = setTimeout(resolve, idleMs);
    const take = (message: ConsumeMessage | null) => {
      clearTimeout(idle);
      if (!message) return resolve();
      read += 1;
      visit(message);
      if (read >= messageCount) return resolve();
      idle = setTimeout(resolve, idleMs);
    };
    consuming = channel.consume(queue, take, { noAck: true }).then(
      ({ consumerTag }) => consumerTag,
      () => {
        resolve();
        return undefined;
      },
    );
  });
  const consumerTag = await consuming;
  if (consumerTag !== undefined) await channel.cancel(consumerTag);
  return read;
}
