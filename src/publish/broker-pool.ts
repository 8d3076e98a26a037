import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import type { LinkFailure } from '../amqp/link-failure.js';
import type { Destination } from './publisher.js';

/** A message ready for the wire: id resolved, body serialised once. */
export interface OutgoingMessage {
  readonly id: string;
  readonly content: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestampSeconds: number;
}

/**
 * Why one broker did not confirm one message: a link's failure, or the
 * credentials that could not be had. `detail` is for logs only: it can hold a
 * redacted URL or an internal address, so callers never see it (they get
 * `describeFailure`).
 */
export type AttemptFailure =
  | LinkFailure
  /** The broker's credentials could not be had (Secrets Manager): no broker is to blame. */
  | { readonly kind: 'credentials'; readonly detail: string };

export type AttemptOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly failure: AttemptFailure };

export interface PoolTarget {
  readonly id: string;
  /** Registry endpoint, without credentials. */
  readonly endpoint: string;
}

/**
 * The credentials to log in to `target` with. Called again with `refused` set
 * after the broker refused those: return newer ones (re-read the secret) to
 * have the pool retry once with them, or the same ones to give up.
 */
export type CredentialsFor = (
  target: PoolTarget,
  refused?: AmqpCredentials,
) => Promise<AmqpCredentials>;

/** Connections to brokers, one confirm channel each, reused across calls (and warm Lambda invocations). */
export interface BrokerPool {
  /**
   * Publishes a batch to one broker, pipelined, and resolves with one outcome
   * per message, in order, within `timeoutMs` (connecting included): confirmed,
   * or why not. Never throws.
   */
  publish(
    target: PoolTarget,
    destination: Destination,
    messages: readonly OutgoingMessage[],
    timeoutMs: number,
  ): Promise<AttemptOutcome[]>;
  /**
   * Drops the broker's connection, so the next publish opens a new one: for a
   * broker that left a confirm unanswered, whose channel can no longer be trusted.
   */
  discard(id: string): void;
  close(): Promise<void>;
}
