import type { ConsumedMessage } from './consumed-message.js';
import type { ConsumerEvent } from './consumer-event.js';
import type { DedupeStore } from './dedupe-store.js';

export interface DedupeOptions {
  readonly store: DedupeStore;
  /** Separates one consumer group's records from another's. Default: the queue name. */
  readonly scope?: string;
  /** How long a claim holds while its handler runs. Default 60 000 ms. */
  readonly leaseMs?: number;
  /** How long a processed id is remembered. Default 24 h. */
  readonly retainMs?: number;
}

/** Counters since the consumer started, across every broker. */
export interface ConsumerStats {
  /** Copies acknowledged without calling the handler: their `messageId` was processed already. */
  readonly duplicatesSkipped: number;
  /** Deliveries of replicated messages handed to the handler without de-duplication (`replicated-without-dedupe` events). */
  readonly replicatedWithoutDedupe: number;
  /** Messages the dedupe store failed (`dedupe-failed` events). */
  readonly dedupeFailures: number;
}

/** How a delivery is settled: `requeue` hands it back uncounted, after a pause. */
export type Verdict = 'ack' | 'hold' | 'requeue';

export interface MessageProcessorOptions {
  readonly queue: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: the consumer's handler, as ConsumerOptions types it.
  readonly handler: (message: ConsumedMessage) => Promise<void | 'hold'>;
  readonly dedupe?: DedupeOptions;
  readonly emit: (event: ConsumerEvent) => void;
}

export interface MessageProcessor {
  /** Runs the handler on `message` unless its id was processed already; rejects only when the handler throws. */
  handle(message: ConsumedMessage): Promise<Verdict>;
  stats(): ConsumerStats;
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_RETAIN_MS = 86_400_000;

/**
 * The consumer's handling of one message: with a dedupe store, claim its
 * `messageId`, run the handler, mark it done (or release the claim when the
 * handler fails), so each id is processed once across brokers and consumers;
 * without one, or without a `messageId`, run the handler, and say so when the
 * message has other copies. A failing store never counts as a handler failure
 * (which would end in the dead-letter queue): at-least-once holds.
 *
 * Throws RangeError for a lease or retention that is not a positive number of ms.
 *
 * @example
 * const processor = createMessageProcessor({ queue: 'tasks', handler, dedupe: { store }, emit: console.log });
 * const verdict = await processor.handle(message); // 'ack' | 'hold' | 'requeue'
 */
export function createMessageProcessor(options: MessageProcessorOptions): MessageProcessor {
  const { dedupe, emit, handler } = options;
  const leaseMs = positive(dedupe?.leaseMs ?? DEFAULT_LEASE_MS, 'dedupe.leaseMs');
  const retainMs = positive(dedupe?.retainMs ?? DEFAULT_RETAIN_MS, 'dedupe.retainMs');
  const counts = { duplicatesSkipped: 0, replicatedWithoutDedupe: 0, dedupeFailures: 0 };
  const run = async (message: ConsumedMessage): Promise<'ack' | 'hold'> =>
    (await handler(message)) === 'hold' ? 'hold' : 'ack';
  const failed = (message: ConsumedMessage, stage: 'claim' | 'complete', error: unknown) => {
    counts.dedupeFailures += 1;
    const reason = error instanceof Error ? error.message : String(error);
    emit({ type: 'dedupe-failed', node: message.node, messageId: message.id, stage, reason });
  };

  const handle = async (message: ConsumedMessage): Promise<Verdict> => {
    // Ids made up from a delivery tag are not stable: such messages are processed, not de-duplicated.
    if (!dedupe || !message.hasMessageId) {
      if (message.replicas > 1) {
        counts.replicatedWithoutDedupe += 1;
        emit({
          type: 'replicated-without-dedupe',
          node: message.node,
          ...(message.hasMessageId && { messageId: message.id }),
          replicas: message.replicas,
          because: dedupe ? 'no-message-id' : 'no-dedupe-store',
        });
      }
      return run(message);
    }
    const key = { scope: dedupe.scope ?? options.queue, messageId: message.id };
    let claimed: Awaited<ReturnType<DedupeStore['claim']>>;
    try {
      claimed = await dedupe.store.claim(key, new Date(), leaseMs);
    } catch (error) {
      // Never process without a claim, and never blame the message: it waits for the store.
      failed(message, 'claim', error);
      return 'requeue';
    }
    if (claimed === 'done') {
      counts.duplicatesSkipped += 1;
      return 'ack';
    }
    if (claimed === 'in-progress') return 'requeue';
    let verdict: 'ack' | 'hold';
    try {
      verdict = await run(message);
    } catch (error) {
      await dedupe.store.release(key).catch(() => undefined); // else the lease runs out
      throw error;
    }
    if (verdict === 'hold') {
      await dedupe.store.release(key).catch(() => undefined); // else the lease runs out
      return verdict;
    }
    try {
      await dedupe.store.complete(key, new Date(), retainMs);
    } catch (error) {
      // The work is done: handing the message back would only do it again.
      failed(message, 'complete', error);
    }
    return 'ack';
  };

  return { handle, stats: () => ({ ...counts }) };
}

function positive(ms: number, name: string): number {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`${name} must be a positive number of ms, got ${ms}`);
  }
  return ms;
}
