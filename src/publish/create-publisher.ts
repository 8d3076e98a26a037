import { randomFillSync } from 'node:crypto';
import type { BrokerNode } from '../core/broker-node.js';
import { type CandidateSet, orderForMessage, selectCandidates } from '../core/node-selection.js';
import { uuidV7 } from '../core/uuid-v7.js';
import type { CachedFleetView, FleetView } from '../registry/cached-fleet-view.js';
import type { HealthRegistry } from '../registry/health-registry.js';
import type { BrokerPool, OutgoingMessage } from './broker-pool.js';
import { createOutlierDetector } from './outlier-detector.js';
import type { Destination, MessageResult, Publisher, PublishMessage } from './publisher.js';

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
}

interface Pending {
  readonly index: number;
  readonly message: OutgoingMessage;
  readonly order: readonly BrokerNode[];
  next: number;
  lastError?: string;
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
    deadline: number,
  ) => {
    const timeoutMs = Math.min(policy.attemptTimeoutMs, deadline - clock());
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
      const view = await options.fleet.read().catch(() => undefined);
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

      while (pending.length > 0 && clock() < deadline) {
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
        await Promise.all(
          [...groups].map(async ([node, batch]) => {
            const outcomes = await attempt(node, destination, batch, deadline);
            let failed = false;
            batch.forEach((entry, i) => {
              const outcome = outcomes[i] ?? { ok: false, reason: 'no outcome' };
              if (outcome.ok) {
                results[entry.index] = { id: entry.message.id, status: 'accepted', node: node.id };
                return;
              }
              failed = true;
              entry.lastError = `${node.id}: ${outcome.reason}`;
              entry.next += 1;
              retry.push(entry);
            });
            if (failed) reportFailure(node.id);
            else outliers.succeeded(node.id);
          }),
        );
        pending = retry;
      }

      return entries.map(
        (entry) =>
          results[entry.index] ?? {
            id: entry.message.id,
            status: 'failed',
            error: failureReason(entry, candidates),
          },
      );
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

function failureReason(entry: Pending, candidates: CandidateSet): string {
  if (candidates.preferred.length + candidates.fallback.length === 0) return 'no broker available';
  if (!entry.lastError) return 'deadline passed before any broker was tried';
  return entry.next >= entry.order.length
    ? `every broker failed; last ${entry.lastError}`
    : `deadline passed; last ${entry.lastError}`;
}
