/** What a consumer reports as it runs, for logs and metrics: `onEvent` receives each. */
export type ConsumerEvent =
  | { readonly type: 'attached'; readonly node: string }
  | { readonly type: 'lost'; readonly node: string; readonly reason: string }
  | {
      readonly type: 'retrying';
      readonly node: string;
      readonly delayMs: number;
      readonly reason: string;
    }
  /** The broker has no such queue (404 on consume): retried with back-off, it may be declared later. */
  | { readonly type: 'queue-missing'; readonly node: string; readonly queue: string }
  /** A message that failed `redeliveryLimit` times or cannot be decoded went to the dead-letter exchange. */
  | {
      readonly type: 'dead-lettered';
      readonly node: string;
      readonly messageId?: string;
      readonly reason: string;
    }
  /** Such a message could not be dead-lettered; it went back to the queue, to be tried again. */
  | {
      readonly type: 'dead-letter-failed';
      readonly node: string;
      readonly messageId?: string;
      readonly reason: string;
      readonly failure: string;
    }
  /**
   * A copy of a replicated message (`replicas` > 1) was handed to the handler
   * with nothing to tell it from its other copies, which the handler will
   * therefore see too: the consumer has no `dedupe` store, or the message has
   * no `messageId` to de-duplicate on. Emitted for each such delivery; the
   * message is processed all the same (at least once).
   */
  | {
      readonly type: 'replicated-without-dedupe';
      readonly node: string;
      readonly messageId?: string;
      readonly replicas: number;
      readonly because: 'no-dedupe-store' | 'no-message-id';
    }
  /**
   * The dedupe store failed a message. At `claim` (the store could not be
   * read, or throttled past its retries) nothing was processed: the message
   * went back to the queue, to be tried again after a pause. At `complete` the
   * handler had succeeded and the message was acknowledged, but it could not
   * be marked done (store unreachable, or the claim's lease ran out and
   * another consumer took it): one of its copies may be processed again.
   */
  | {
      readonly type: 'dedupe-failed';
      readonly node: string;
      readonly messageId: string;
      readonly stage: 'claim' | 'complete';
      readonly reason: string;
    }
  | { readonly type: 'detached'; readonly node: string };
