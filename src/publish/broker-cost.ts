import type { BrokerNode } from '../core/broker-node.js';
import type { FleetView } from '../registry/cached-fleet-view.js';
import type { FleetSnapshot } from '../registry/health-registry.js';

/** Probed latencies under this count as equal: one probe's sub-millisecond difference is noise. */
const LATENCY_FLOOR_MS = 5;
/**
 * And so do latencies up to this many times the fleet's median: each broker's
 * latency is one probe's sample, and every sequential caller (a Lambda
 * container serves one request at a time) ranks the brokers by the same
 * samples, so ranking them strictly would send all of those callers to
 * whichever broker probed fastest and none to the slowest of a pair. Only a
 * broker clearly slower than the rest takes less.
 */
const LATENCY_TOLERANCE = 2;

/** What `messages` more are expected to cost a broker, for power of two choices (`orderForMessage`). */
export type BrokerCost = (
  view: FleetView | undefined,
  messages: number,
) => (node: BrokerNode) => number;

/**
 * A broker's queued work with the new messages (`inFlight`, by broker id, kept
 * by the caller), times its probed latency, latencies under the view's floor
 * counting as equal: LATENCY_FLOOR_MS, or LATENCY_TOLERANCE times the healthy
 * brokers' median, whichever is higher (worked out once per snapshot).
 *
 * @example const cost = createBrokerCost(inFlight)(view, 100); orderForMessage(candidates, { cost, random });
 */
export function createBrokerCost(inFlight: ReadonlyMap<string, number>): BrokerCost {
  // Once per snapshot: a view is read on every publish, and refreshed once a cache TTL.
  const latencyFloors = new WeakMap<FleetSnapshot, number>();
  const latencyFloorOf = (view: FleetView | undefined): number => {
    if (view === undefined) return LATENCY_FLOOR_MS;
    let floor = latencyFloors.get(view.snapshot);
    if (floor === undefined) {
      floor = Math.max(LATENCY_FLOOR_MS, LATENCY_TOLERANCE * medianLatencyMs(view.snapshot.nodes));
      latencyFloors.set(view.snapshot, floor);
    }
    return floor;
  };
  return (view, messages) => {
    const floorMs = latencyFloorOf(view);
    return (node) =>
      ((inFlight.get(node.id) ?? 0) + messages) * Math.max(node.latencyMs ?? floorMs, floorMs);
  };
}

/** The median probed latency of the healthy brokers; 0 when none has one. */
function medianLatencyMs(nodes: readonly BrokerNode[]): number {
  const latencies: number[] = [];
  for (const node of nodes)
    if (node.health.state === 'healthy' && node.latencyMs !== undefined)
      latencies.push(node.latencyMs);
  latencies.sort((a, b) => a - b);
  return latencies[Math.floor(latencies.length / 2)] ?? 0;
}
