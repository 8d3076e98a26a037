import { randomFillSync } from 'node:crypto';
import type { BrokerNode } from '../core/broker-node.js';
import { type CandidateSet, orderForMessage, selectCandidates } from '../core/node-selection.js';
import { uuidV7 } from '../core/uuid-v7.js';
import type { CachedFleetView, FleetView } from '../registry/cached-fleet-view.js';
import type { HealthRegistry } from '../registry/health-registry.js';
import { blameOf, describeFailure } from './attempt-failure.js';
import type { AttemptFailure, AttemptOutcome, BrokerPool, OutgoingMessage } from './broker-pool.js';
import { createOutlierDetector } from './outlier-detector.js';
import type {
  Destination,
  FailureCode,
  MessageResult,
  Publisher,
  PublishMessage,
} from './publisher.js';

export interface PublisherPolicy {
  /** One attempt on one broker: confirms not back by then count as failed (the design asks ≤ 1 s). */
  readonly attemptTimeoutMs: number;
  /** Default budget of a publish call, retries included. */
  readonly deadlineMs: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
}

export const DEFAULT_PUBLISHER_POLICY: PublisherPolicy = {
  attemptTimeoutMs: 1_000,
  deadlineMs: 5_000,
  baseEjectionMs: 5_000,
  maxEjectionMs: 60_000,
};

const LATENCY_FLOOR_MS = 5;

export interface PublisherOptions {
  readonly fleet: CachedFleetView;
  readonly pool: BrokerPool;
  /** Where failures are reported so other publishers learn before the next probe. */
  readonly registry?: Pick<HealthRegistry, 'reportOutlier'>;
  readonly probeIntervalMs: number;
  readonly policy?: Partial<PublisherPolicy>;
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly onReportError?: (error: unknown) => void;
  /** Told of every broker that failed an attempt, with the details callers never see (for logs). */
  readonly onAttemptFailure?: (event: AttemptFailureEvent) => void;
}

export interface AttemptFailureEvent {
  readonly node: string;
  readonly failure: AttemptFailure;
  /** Messages of the attempt that failed this way. */
  readonly messages: number;
}

interface Pending {
  readonly index: number;
  readonly message: OutgoingMessage;
  readonly order: readonly BrokerNode[];
  next: number;
  last?: { readonly node: string; readonly failure: AttemptFailure };
  /** Set once the message failed for good (its own refusal, or no credentials). */
  final?: MessageResult;
}

/**
 * The edge publisher as a library: picks brokers from the cached registry
 * view, pipelines each broker's share of a batch on its confirm channel, and
 * retries what a broker did not confirm on the next broker in that message's
 * order, until the deadline. `accepted` means a broker confirmed the message.
 *
 * @example
 * const publisher = createPublisher({ fleet, pool, registry, probeIntervalMs: 15_000 });
 * const results = await publisher.publish({ kind: 'queue', queue: 'tasks' }, [{ body: { job: 42 } }]);
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const policy = { ...DEFAULT_PUBLISHER_POLICY, ...options.policy };
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const outliers = createOutlierDetector(policy);
  const inFlight = new Map<string, number>();
  /**
   * Expected cost of one more message on `node`: queued work times its probed
   * latency. Latencies under LATENCY_FLOOR_MS count as equal: one probe's
   * sub-millisecond difference is noise, and must not starve a broker.
   */
  const costWith = (planned: ReadonlyMap<string, number>) => (node: BrokerNode) =>
    ((inFlight.get(node.id) ?? 0) + (planned.get(node.id) ?? 0) + 1) *
    Math.max(node.latencyMs ?? LATENCY_FLOOR_MS, LATENCY_FLOOR_MS);

  const candidatesFrom = (view: FleetView | undefined): CandidateSet =>
    view
      ? selectCandidates({
          nodes: view.snapshot.nodes,
          nowMs: clock(),
          probeIntervalMs: options.probeIntervalMs,
          registryReachable: view.source !== 'last-known-good',
          ejected: outliers.ejected(clock()),
        })
      : { preferred: [], fallback: [], panic: true };

  const attempt = async (
    node: BrokerNode,
    destination: Destination,
    batch: Pending[],
    timeoutMs: number,
  ): Promise<AttemptOutcome[]> => {
    inFlight.set(node.id, (inFlight.get(node.id) ?? 0) + batch.length);
    try {
      return await options.pool.publish(
        node,
        destination,
        batch.map((p) => p.message),
        timeoutMs,
      );
    } finally {
      inFlight.set(node.id, (inFlight.get(node.id) ?? 0) - batch.length);
    }
  };

  /**
   * Applies one broker's outcomes to its batch: accepted, failed for good (the
   * message's own refusal), or queued for the next broker. Only a broker's own
   * failure counts against it; a confirm that did not come because the request's
   * deadline cut the attempt short is the deadline's, not the broker's.
   */
  const settleBatch = (
    node: BrokerNode,
    batch: Pending[],
    outcomes: readonly AttemptOutcome[],
    cutShort: boolean,
    results: (MessageResult | undefined)[],
    retry: Pending[],
  ) => {
    let brokerFailure: AttemptFailure | undefined;
    batch.forEach((entry, i) => {
      const outcome: AttemptOutcome = outcomes[i] ?? {
        ok: false,
        failure: { kind: 'closed', detail: 'no outcome from the pool' },
      };
      if (outcome.ok) {
        results[entry.index] = { id: entry.message.id, status: 'accepted', node: node.id };
        return;
      }
      const { failure } = outcome;
      entry.last = { node: node.id, failure };
      const blame = blameOf(failure);
      if (blame !== 'broker') {
        results[entry.index] = {
          id: entry.message.id,
          status: 'failed',
          code: failure.kind === 'unroutable' ? 'unroutable' : 'credentials',
          error: describeFailure(failure),
        };
        return;
      }
      if (failure.kind === 'timeout' && cutShort) return; // the deadline has passed: no retry
      brokerFailure ??= failure;
      entry.next += 1;
      retry.push(entry);
    });
    if (brokerFailure === undefined) {
      outliers.succeeded(node.id);
      return;
    }
    options.onAttemptFailure?.({
      node: node.id,
      failure: brokerFailure,
      messages: batch.length - batch.filter((entry) => results[entry.index]).length,
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
      const deadline = clock() + (publishOptions?.deadlineMs ?? policy.deadlineMs);
      // The registry read is part of the budget: a cold start's wait for DynamoDB is bounded too.
      const view = await options.fleet
        .read({ timeoutMs: Math.max(0, deadline - clock()) })
        .catch(() => undefined);
      const candidates = candidatesFrom(view);
      const results: (MessageResult | undefined)[] = messages.map(() => undefined);
      // Messages placed earlier in this batch count as load, so one batch spreads too.
      const planned = new Map<string, number>();
      const cost = costWith(planned);
      const entries: Pending[] = messages.map((message, index) => {
        const order = orderForMessage(candidates, {
          ...(message.key !== undefined && { key: message.key }),
          cost,
          random,
        });
        const first = order[0];
        if (first) planned.set(first.id, (planned.get(first.id) ?? 0) + 1);
        return { index, message: outgoing(message, clock()), order, next: 0 };
      });
      let pending = entries;

      while (pending.length > 0) {
        // An attempt with no time left is not made: it would be written, reported failed and sent again.
        const timeoutMs = Math.min(policy.attemptTimeoutMs, deadline - clock());
        if (timeoutMs <= 0) break;
        const groups = new Map<BrokerNode, Pending[]>();
        for (const entry of pending) {
          const node = entry.order[entry.next];
          if (!node) continue;
          const group = groups.get(node);
          if (group) group.push(entry);
          else groups.set(node, [entry]);
        }
        if (groups.size === 0) break;
        const retry: Pending[] = [];
        const cutShort = timeoutMs < policy.attemptTimeoutMs;
        await Promise.all(
          [...groups].map(async ([node, batch]) => {
            const outcomes = await attempt(node, destination, batch, timeoutMs);
            settleBatch(node, batch, outcomes, cutShort, results, retry);
          }),
        );
        pending = retry;
      }

      return entries.map((entry) => results[entry.index] ?? unaccepted(entry, candidates));
    },
  };
}

// Random bytes for generated ids, drawn from one buffer refilled when used up: one
// `randomBytes(10)` call per message costs more than the rest of the id.
const entropy = Buffer.alloc(2_560);
let entropyOffset = entropy.length;

function randomTenBytes(): Uint8Array {
  if (entropyOffset + 10 > entropy.length) {
    randomFillSync(entropy);
    entropyOffset = 0;
  }
  entropyOffset += 10;
  return entropy.subarray(entropyOffset - 10, entropyOffset);
}

function outgoing(message: PublishMessage, nowMs: number): OutgoingMessage {
  return {
    id: message.id ?? uuidV7(nowMs, randomTenBytes()),
    content: Buffer.from(message.bodyJson ?? JSON.stringify(message.body)),
    headers: message.headers ?? {},
    timestampSeconds: Math.floor(nowMs / 1000),
  };
}

/** Why a message that no broker accepted failed, in words a caller may see. */
function unaccepted(entry: Pending, candidates: CandidateSet): MessageResult {
  const fail = (code: FailureCode, error: string): MessageResult => ({
    id: entry.message.id,
    status: 'failed',
    code,
    error,
  });
  if (candidates.preferred.length + candidates.fallback.length === 0)
    return fail('no_broker', 'no broker available');
  if (!entry.last) return fail('deadline', 'deadline passed before any broker was tried');
  const last = `last ${entry.last.node}: ${describeFailure(entry.last.failure)}`;
  return entry.next >= entry.order.length
    ? fail('brokers_failed', `every broker failed; ${last}`)
    : fail('deadline', `deadline passed; ${last}`);
}
