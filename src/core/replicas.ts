/**
 * Replicated accept: how many distinct brokers must confirm a message before
 * it is `accepted`. The wire contract between publishers and consumers: every
 * copy carries the same `messageId` and, when there is more than one copy,
 * the `x-warren-replicas` header with the number of copies.
 */

export const MIN_REPLICAS = 1;
/** A fleet of independent brokers rarely spans more than 3 zones; more copies cost confirms for no zone gained. */
export const MAX_REPLICAS = 3;
export const DEFAULT_REPLICAS = 1;

/** Header naming how many brokers hold a copy of this message (set only when more than one does). */
export const REPLICAS_HEADER = 'x-warren-replicas';

/** Whether `value` is an allowed replica count: an integer from 1 to 3. */
export function isReplicaCount(value: unknown): value is number {
  return (
    Number.isInteger(value) &&
    (value as number) >= MIN_REPLICAS &&
    (value as number) <= MAX_REPLICAS
  );
}

/**
 * How many copies a consumed message says it has, from its headers: 1 when
 * the header is absent or not a count (a foreign client's message).
 *
 * @example replicasOf({ 'x-warren-replicas': 2 }) // 2
 */
export function replicasOf(headers: Readonly<Record<string, unknown>> | undefined): number {
  const value = headers?.[REPLICAS_HEADER];
  const count = typeof value === 'string' ? Number(value) : value;
  return isReplicaCount(count) ? count : 1;
}
