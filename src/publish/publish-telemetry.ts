import type { FleetView } from '../registry/cached-fleet-view.js';
import type { AttemptFailure } from './broker-pool.js';
import type { MessageResult } from './publisher.js';

/** One broker's failed attempt at a batch: the broker's own fault (connect, timeout, nack…). */
export interface AttemptFailureEvent {
  readonly node: string;
  readonly failure: AttemptFailure;
  /** Messages of the attempt that failed this way. */
  readonly messages: number;
  /** Of those, the copies moved to another broker (failover); the rest found none left. */
  readonly retried: number;
}

/**
 * How the registry view a call routed on was had: `fresh` or `stale` (served
 * while one background refresh runs) from the cache, `last-known-good` when the
 * registry did not answer, `unavailable` when there was no view at all.
 */
export type ViewSource = FleetView['source'] | 'unavailable';

/** What a publish call routed on, told once per call before any attempt. */
export interface PublishRouting {
  readonly view: ViewSource;
  /** Too few eligible brokers, or no trustworthy registry: every active broker was a candidate. */
  readonly panic: boolean;
}

/**
 * The hooks a publish call reports to, per call (pass it in `PublishOptions`):
 * what it routed on, each broker attempt that failed, and its results. A call
 * without one pays nothing; an implementation is told in the call's own
 * order, so it can be a plain per-request tally (`createPublishTally`).
 *
 * @example await publisher.publish(destination, messages, { telemetry: createPublishTally() });
 */
export interface PublishTelemetry {
  routed(routing: PublishRouting): void;
  attemptFailed(event: AttemptFailureEvent): void;
  /** The call's results, once, as it returns them. */
  settled(results: readonly MessageResult[]): void;
}
