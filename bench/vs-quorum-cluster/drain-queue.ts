/** Empties a queue on one broker or cluster node, reading every message's id and copy count. */
import { replicasOf } from '../../src/core/replicas.js';
import { drainQueue as drainEach } from '../support/drain-queue.js';
import type { Found } from './audit.js';

/** Stops waiting for the rest once the queue has sent nothing for this long. */
const IDLE_MS = 3_000;

/**
 * Consumes `queue` at `url` without acks until it has delivered as many messages
 * as it held when the drain began (or falls silent), labelling each with `node`.
 */
export async function drainQueue(url: string, queue: string, node: string): Promise<Found[]> {
  const found: Found[] = [];
  await drainEach(url, queue, IDLE_MS, (message) =>
    found.push({
      id: String(message.properties.messageId),
      node,
      copies: replicasOf(message.properties.headers),
    }),
  );
  return found;
}
