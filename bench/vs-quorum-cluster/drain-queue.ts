/** Empties a queue on one broker or cluster node, reading every message's id and copy count. */
import { type ConsumeMessage, connect } from 'amqplib';
import { replicasOf } from '../../src/core/replicas.js';
import type { Found } from './audit.js';

/** Stops waiting for the rest once the queue has sent nothing for this long. */
const IDLE_MS = 3_000;

/**
 * Consumes `queue` at `url` without acks until it has delivered as many messages
 * as it held when the drain began (or falls silent), labelling each with `node`.
 */
export async function drainQueue(url: string, queue: string, node: string): Promise<Found[]> {
  const connection = await connect(url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    const { messageCount } = await channel.checkQueue(queue);
    const found: Found[] = [];
    if (messageCount === 0) return found;
    await new Promise<void>((resolve) => {
      let idle = setTimeout(resolve, IDLE_MS);
      const take = (message: ConsumeMessage | null) => {
        if (!message) return resolve();
        found.push({
          id: String(message.properties.messageId),
          node,
          copies: replicasOf(message.properties.headers),
        });
        clearTimeout(idle);
        if (found.length >= messageCount) return resolve();
        idle = setTimeout(resolve, IDLE_MS);
      };
      void channel.consume(queue, take, { noAck: true }).catch(() => resolve());
    });
    return found;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
