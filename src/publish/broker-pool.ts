import type { Destination } from './publisher.js';

/** A message ready for the wire: id resolved, body serialised once. */
export interface OutgoingMessage {
  readonly id: string;
  readonly content: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestampSeconds: number;
}

export type AttemptOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string };

export interface PoolTarget {
  readonly id: string;
  /** Registry endpoint, without credentials. */
  readonly endpoint: string;
}

/** Connections to brokers, one confirm channel each, reused across calls (and warm Lambda invocations). */
export interface BrokerPool {
  /**
   * Publishes a batch to one broker, pipelined, and resolves with one outcome
   * per message, in order, within `timeoutMs`: confirmed, or why not.
   */
  publish(
    target: PoolTarget,
    destination: Destination,
    messages: readonly OutgoingMessage[],
    timeoutMs: number,
  ): Promise<AttemptOutcome[]>;
  close(): Promise<void>;
}
