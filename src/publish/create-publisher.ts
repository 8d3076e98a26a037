import { randomUUID } from 'node:crypto';
import type { BrokerNode } from '../core/broker-node.js';
import { DEFAULT_SUBSET_SIZE, withSubset } from '../core/broker-subset.js';
import { type CandidateSet, orderForMessage, selectCandidates } from '../core/node-selection.js';
import type { CopyOrder } from '../core/replica-placement.js';
import { DEFAULT_REPLICAS, isReplicaCount, MAX_REPLICAS, MIN_REPLICAS } from '../core/replicas.js';
import type { CachedFleetView, FleetView } from '../registry/cached-fleet-view.js';
import type { HealthRegistry } from '../registry/health-registry.js';
import { blameOf, describeFailure } from './attempt-failure.js';
import { createBrokerCost } from './broker-cost.js';
import type { AttemptFailure, AttemptOutcome, BrokerPool } from './broker-pool.js';
import { createBrokerRanking } from './broker-ranking.js';
import {
  type CopyAttempt,
  confirmCopy,
  failCopies,
  type MessageCopies,
  replaceCopy,
  resultOf,
  startCopies,
} from './message-copies.js';
import { outgoing } from './outgoing-message.js';
import { createOutlierDetector } from './outlier-detector.js';
import type { PublishTelemetry } from './publish-telemetry.js';
import type { Destination, Publisher } from './publisher.js';

export interface PublisherPolicy {
  /** One attempt on one broker: confirms not back by then count as failed (the design asks ≤ 1 s). */
  readonly attemptTimeoutMs: number;
  /** Default budget of a publish call, retries included. */
  readonly deadlineMs: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  /** Distinct brokers that must confirm a message, when a call does not say (1 to 3). */
  readonly replicas: number;
  /**
   * Brokers this publisher sends unkeyed messages to while they serve (its
   * subset, see `withSubset`); 0 for every eligible broker. Bounds how many
   * publishers connect to each broker.
   */
  readonly subsetSize: number;
}

export const DEFAULT_PUBLISHER_POLICY: PublisherPolicy = {
  attemptTimeoutMs: 1_000,
  deadlineMs: 5_000,
  baseEjectionMs: 5_000,
  maxEjectionMs: 60_000,
  replicas: DEFAULT_REPLICAS,
  subsetSize: DEFAULT_SUBSET_SIZE,
};

export interface PublisherOptions {
  readonly fleet: CachedFleetView;
  readonly pool: BrokerPool;
  /** Where failures are reported so other publishers learn before the next probe. */
  readonly registry?: Pick<HealthRegistry, 'reportOutlier'>;
  readonly probeIntervalMs: number;
  readonly policy?: Partial<PublisherPolicy>;
  readonly clock?: () => number;
  readonly random?: () => number;
  /**
   * Who this publisher is, for its broker subset: stable for its life, distinct
   * from other publishers'. Default a random UUID, so one per publisher (per
   * warm container in the Lambda).
   */
  readonly containerId?: string;
  readonly onReportError?: (error: unknown) => void;
}

/**
 * The edge publisher as a library: picks brokers from the cached registry
 * view (for unkeyed messages, among its own subset of them first, so each
 * broker holds few publishers' connections), sends each message's copies
 * (`replicas`, default 1) to distinct brokers in parallel, pipelines each
 * broker's share of a batch on its confirm channel, and moves a copy a broker
 * did not confirm to the next unused broker in that message's order (every
 * usable broker, the subset's first), until the deadline. `accepted` means
 * `replicas` distinct brokers confirmed the message.
 *
 * @example
 * const publisher = createPublisher({ fleet, pool, registry, probeIntervalMs: 15_000 });
 * const results = await publisher.publish({ kind: 'queue', queue: 'tasks' }, [{ body: { job: 42 } }]);
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const policy = { ...DEFAULT_PUBLISHER_POLICY, ...options.policy };
  checkReplicas(policy.replicas);
  checkSubsetSize(policy.subsetSize);
  const rank = createBrokerRanking(options.containerId ?? randomUUID());
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const outliers = createOutlierDetector(policy);
  const inFlight = new Map<string, number>();
  const costOf = createBrokerCost(inFlight);

  const candidatesFrom = (view: FleetView | undefined, copies: number): CandidateSet =>
    view
      ? withSubset(
          selectCandidates({
            nodes: view.snapshot.nodes,
            nowMs: clock(),
            probeIntervalMs: options.probeIntervalMs,
            registryReachable: view.source !== 'last-known-good',
            ejected: outliers.ejected(clock()),
            copies,
          }),
          rank,
          policy.subsetSize,
          copies,
        )
      : { preferred: [], fallback: [], panic: true };

  const attempt = async (
    node: BrokerNode,
    destination: Destination,
    batch: CopyAttempt[],
    timeoutMs: number,
  ): Promise<AttemptOutcome[]> => {
    inFlight.set(node.id, (inFlight.get(node.id) ?? 0) + batch.length);
    try {
      return await options.pool.publish(
        node,
        destination,
        batch.map((copy) => copy.entry.message),
        timeoutMs,
      );
    } finally {
      inFlight.set(node.id, (inFlight.get(node.id) ?? 0) - batch.length);
    }
  };

  /**
   * Applies one broker's outcomes to its copies: confirmed, failed for good
   * (the message's own refusal), or moved to the next unused broker. Only a
   * broker's own failure counts against it; a confirm that did not come because
   * the request's deadline cut the attempt short is the deadline's, not the broker's.
   */
  const settleBatch = (
    node: BrokerNode,
    batch: readonly CopyAttempt[],
    outcomes: readonly AttemptOutcome[],
    cutShort: boolean,
    retry: CopyAttempt[],
    telemetry: PublishTelemetry | undefined,
  ) => {
    let brokerFailure: AttemptFailure | undefined;
    let failedCopies = 0;
    const retryFrom = retry.length;
    batch.forEach((copy, i) => {
      const outcome: AttemptOutcome = outcomes[i] ?? {
        ok: false,
        failure: { kind: 'closed', detail: 'no outcome from the pool' },
      };
      if (outcome.ok) {
        confirmCopy(copy);
        return;
      }
      const { failure } = outcome;
      if (blameOf(failure) !== 'broker') {
        copy.entry.last = { node: node.id, failure };
        const code = failure.kind === 'unroutable' ? 'unroutable' : 'credentials';
        failCopies(copy.entry, code, describeFailure(failure));
        return;
      }
      if (failure.kind === 'timeout' && cutShort) {
        copy.entry.last = { node: node.id, failure };
        return; // the deadline has passed: no retry
      }
      failedCopies += 1;
      brokerFailure ??= failure;
      const next = replaceCopy(copy, failure);
      if (next) retry.push(next);
    });
    if (brokerFailure === undefined) {
      outliers.succeeded(node.id);
      return;
    }
    telemetry?.attemptFailed({
      node: node.id,
      failure: brokerFailure,
      messages: failedCopies,
      retried: retry.length - retryFrom,
    });
    // A confirm that never came means a channel we cannot trust: reconnect next time.
    if (brokerFailure.kind === 'timeout') options.pool.discard(node.id);
    reportFailure(node.id);
  };

  const reportFailure = (id: string) => {
    if (!outliers.failed(id, clock())) return;
    options.fleet.invalidate();
    options.registry
      ?.reportOutlier(id, new Date(clock()))
      .catch((error: unknown) => options.onReportError?.(error));
  };

  return {
    async publish(destination, messages, publishOptions) {
      const replicas = checkReplicas(publishOptions?.replicas ?? policy.replicas);
      const deadline = clock() + (publishOptions?.deadlineMs ?? policy.deadlineMs);
      // The registry read is part of the budget: a cold start's wait for DynamoDB is bounded too.
      const view = await options.fleet
        .read({ timeoutMs: Math.max(0, deadline - clock()) })
        .catch(() => undefined);
      const candidates = candidatesFrom(view, replicas);
      const telemetry = publishOptions?.telemetry;
      telemetry?.routed({ view: view?.source ?? 'unavailable', panic: candidates.panic });
      const preferredCount = candidates.preferred.length;
      // The request's unkeyed messages share one order, chosen for all of them
      // at once: each copy's share goes to its broker as one batch (one write,
      // one confirm window), and moves on together if that broker fails.
      // Concurrent requests spread by their load in flight (docs/internals.md).
      const unkeyedCount = messages.filter((message) => message.key === undefined).length;
      const cost = costOf(view, Math.max(1, unkeyedCount));
      const unkeyed: CopyOrder = {
        order: unkeyedCount > 0 ? orderForMessage(candidates, { cost, random }) : [],
        preferredCount,
      };
      const nowMs = clock();
      const entries: MessageCopies[] = [];
      let pending: CopyAttempt[] = [];
      for (const message of messages) {
        const copies: CopyOrder =
          message.key === undefined
            ? unkeyed
            : {
                order: orderForMessage(candidates, { key: message.key, cost, random }),
                preferredCount,
              };
        const { entry, attempts } = startCopies(
          outgoing(message, nowMs, replicas),
          copies,
          replicas,
        );
        entries.push(entry);
        for (const attempt of attempts) pending.push(attempt);
      }

      while (pending.length > 0) {
        // An attempt with no time left is not made: it would be written, reported failed and sent again.
        const timeoutMs = Math.min(policy.attemptTimeoutMs, deadline - clock());
        if (timeoutMs <= 0) break;
        const groups = new Map<BrokerNode, CopyAttempt[]>();
        for (const copy of pending) {
          // A message failed for good sends no more copies.
          if (copy.entry.result) continue;
          const group = groups.get(copy.node);
          if (group) group.push(copy);
          else groups.set(copy.node, [copy]);
        }
        if (groups.size === 0) break;
        const retry: CopyAttempt[] = [];
        const cutShort = timeoutMs < policy.attemptTimeoutMs;
        // Every broker's share, and so every copy of a message, goes out in parallel.
        await Promise.all(
          [...groups].map(async ([node, batch]) => {
            const outcomes = await attempt(node, destination, batch, timeoutMs);
            settleBatch(node, batch, outcomes, cutShort, retry, telemetry);
          }),
        );
        pending = retry;
      }

      const results = entries.map((entry) => resultOf(entry, candidates));
      telemetry?.settled(results);
      return results;
    },
  };
}

function checkReplicas(replicas: number): number {
  if (!isReplicaCount(replicas)) {
    throw new RangeError(
      `replicas must be an integer from ${MIN_REPLICAS} to ${MAX_REPLICAS}, got ${String(replicas)}`,
    );
  }
  return replicas;
}

function checkSubsetSize(size: number): void {
  if (!Number.isInteger(size) || size < 0) {
    throw new RangeError(`subsetSize must be a whole number, 0 for no subset, got ${String(size)}`);
  }
}
