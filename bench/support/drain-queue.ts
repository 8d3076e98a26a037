/** Empties a queue on one broker, handing each message to the caller. */
import { type ConsumeMessage, connect } from 'amqplib';

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
    const { messageCount } = await channel.checkQueue(queue);
    let read = 0;
    if (messageCount === 0) return read;
    await new Promise<void>((resolve) => {
      let idle = setTimeout(resolve, idleMs);
      const take = (message: ConsumeMessage | null) => {
        if (!message) return resolve();
        read += 1;
        visit(message);
        clearTimeout(idle);
        if (read >= messageCount) return resolve();
        idle = setTimeout(resolve, idleMs);
      };
      void channel.consume(queue, take, { noAck: true }).catch(() => resolve());
    });
    return read;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
