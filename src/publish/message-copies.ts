import type { BrokerNode } from '../core/broker-node.js';
import type { CandidateSet } from '../core/node-selection.js';
import { type CopyOrder, nextCopyBroker, placeCopies } from '../core/replica-placement.js';
import { describeFailure } from './attempt-failure.js';
import type { AttemptFailure, OutgoingMessage } from './broker-pool.js';
import type { FailureCode, MessageResult } from './publisher.js';

/**
 * One message of a publish call and its copies: `replicas` distinct brokers
 * must confirm it before it is accepted. Each copy has one broker at a time;
 * a copy whose broker failed moves to the next unused broker, and a copy
 * already confirmed is never sent again.
 */
export interface MessageCopies {
  readonly message: OutgoingMessage;
  readonly copies: CopyOrder;
  readonly replicas: number;
  /** Per copy, its broker: confirmed, in flight, or (when it failed) the last one tried. */
  readonly brokers: BrokerNode[];
  readonly confirmed: boolean[];
  /** Every broker given a copy of this message, failed ones included. */
  readonly used: Set<string>;
  last?: { readonly node: string; readonly failure: AttemptFailure };
  /** A failed copy found no unused broker: the message cannot be accepted. */
  exhausted: boolean;
  /** Set once decided: accepted, or failed for good (its own refusal, no credentials, too few brokers). */
  result?: MessageResult;
}

/** One copy on its way to one broker. */
export interface CopyAttempt {
  readonly entry: MessageCopies;
  readonly copy: number;
  readonly node: BrokerNode;
}

/**
 * A message's copies placed on their first brokers. Fewer eligible brokers
 * than replicas fails it at once (like a quorum without a majority): nothing
 * is sent, and no broker ever holds two copies.
 */
export function startCopies(
  message: OutgoingMessage,
  copies: CopyOrder,
  replicas: number,
): { readonly entry: MessageCopies; readonly attempts: CopyAttempt[] } {
  const brokers = placeCopies(copies, replicas);
  const entry: MessageCopies = {
    message,
    copies,
    replicas,
    brokers,
    confirmed: brokers.map(() => false),
    used: new Set(brokers.map((node) => node.id)),
    exhausted: false,
  };
  if (copies.order.length > 0 && brokers.length < replicas) {
    entry.result = failed(
      entry,
      'too_few_brokers',
      `replicas ${replicas} needs ${replicas} distinct brokers; ${brokers.length} eligible`,
    );
    return { entry, attempts: [] };
  }
  return { entry, attempts: brokers.map((node, copy) => ({ entry, copy, node })) };
}

/** Records a confirm; the message is accepted once every copy is confirmed. */
export function confirmCopy(attempt: CopyAttempt): void {
  const { entry } = attempt;
  entry.confirmed[attempt.copy] = true;
  if (entry.result || !entry.confirmed.every(Boolean)) return;
  const nodes = entry.brokers.map((node) => node.id);
  entry.result = {
    id: entry.message.id,
    status: 'accepted',
    node: nodes[0] as string,
    nodes,
  };
}

/**
 * Records a broker's failure of a copy and moves the copy to the next unused
 * broker, preferring a zone no other copy holds; `undefined` (and the message
 * exhausted) when no broker is left.
 */
export function replaceCopy(
  attempt: CopyAttempt,
  failure: AttemptFailure,
): CopyAttempt | undefined {
  const { entry } = attempt;
  entry.last = { node: attempt.node.id, failure };
  const heldZones = new Set<string>();
  entry.brokers.forEach((node, copy) => {
    if (copy !== attempt.copy && node.az !== undefined) heldZones.add(node.az);
  });
  const node = nextCopyBroker(entry.copies, entry.used, heldZones);
  if (!node) {
    entry.exhausted = true;
    return undefined;
  }
  entry.used.add(node.id);
  entry.brokers[attempt.copy] = node;
  return { entry, copy: attempt.copy, node };
}

/** Fails the message for good: sending it again cannot help (its own refusal, no credentials). */
export function failCopies(entry: MessageCopies, code: FailureCode, error: string): void {
  entry.result ??= failed(entry, code, error);
}

/** The result of a message, decided or not: why one that was not accepted failed, in words a caller may see. */
export function resultOf(entry: MessageCopies, candidates: CandidateSet): MessageResult {
  if (entry.result) return entry.result;
  if (candidates.preferred.length + candidates.fallback.length === 0)
    return failed(entry, 'no_broker', 'no broker available');
  if (!entry.last) return failed(entry, 'deadline', 'deadline passed before any broker was tried');
  const held = entry.brokers.filter((_, copy) => entry.confirmed[copy]).map((node) => node.id);
  const partly =
    entry.replicas > 1 && held.length > 0
      ? `${held.length} of ${entry.replicas} copies confirmed (${held.join(', ')}); `
      : '';
  const last = `last ${entry.last.node}: ${describeFailure(entry.last.failure)}`;
  if (!entry.exhausted) return failed(entry, 'deadline', `deadline passed; ${partly}${last}`);
  const every = partly ? `${partly}every other broker failed` : 'every broker failed';
  return failed(entry, 'brokers_failed', `${every}; ${last}`);
}

function failed(entry: MessageCopies, code: FailureCode, error: string): MessageResult {
  return { id: entry.message.id, status: 'failed', code, error };
}
