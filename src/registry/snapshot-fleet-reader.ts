import type { BrokerNode } from '../core/broker-node.js';
import type { RoutingNode, RoutingSnapshot } from '../core/routing-snapshot.js';
import type { FleetSnapshots } from './fleet-snapshots.js';
import type { FleetSnapshot, HealthRegistry } from './health-registry.js';

export interface SnapshotFleetReaderOptions {
  readonly snapshots: Pick<FleetSnapshots, 'read' | 'copies'>;
  /** The broker items, read whole when there is no snapshot to read. */
  readonly fallback: Pick<HealthRegistry, 'listNodes'>;
  /** Picks this reader's copy once, at construction. Default `Math.random`. */
  readonly random?: () => number;
}

/** The fleet as a snapshot reader returns it: which copy and sequence, when it came from a snapshot. */
export interface SnapshotFleet extends FleetSnapshot {
  readonly sequence?: number;
}

/**
 * The publisher's registry read: one GetItem of one snapshot copy (chosen at
 * random once per reader, so a container's reads always hit the same copy
 * and containers spread over all of them) instead of a Query of every broker
 * item. Never goes backwards: a copy read older than the snapshot this reader
 * last returned (an eventually consistent read a moment behind a write) is
 * answered with that newer snapshot. Without a usable snapshot (a fresh
 * table, a prober that never ran, an item that does not decode) it reads the
 * broker items instead, and names the rejected item in `rejected`.
 *
 * Outlier reports that other publishers write to broker items reach this
 * reader with the prober's next snapshot, not at once: the price of reading
 * one item instead of all of them. This publisher's own failures still act
 * at once (its own ejections).
 *
 * @example
 * const fleet = createCachedFleetView({ registry: createSnapshotFleetReader({ snapshots: registry.snapshots, fallback: registry }), ttlMs: 2_000, clock: Date.now });
 */
export function createSnapshotFleetReader(
  options: SnapshotFleetReaderOptions,
): Pick<HealthRegistry, 'listNodes'> & { readonly copy: number } {
  const { snapshots, fallback } = options;
  const copy = Math.min(
    snapshots.copies - 1,
    Math.floor((options.random ?? Math.random)() * snapshots.copies),
  );
  let held: SnapshotFleet | undefined;

  return {
    copy,
    async listNodes(): Promise<SnapshotFleet> {
      const read = await snapshots.read(copy);
      switch (read.kind) {
        case 'found': {
          const { snapshot } = read;
          if (held?.sequence !== undefined && snapshot.sequence < held.sequence) return held;
          held = fleetOf(snapshot);
          return held;
        }
        case 'missing':
          return fallback.listNodes();
        case 'rejected': {
          const fleet = await fallback.listNodes();
          const key = `fleet snapshot copy ${read.copy}`;
          return { ...fleet, rejected: [...fleet.rejected, { key, reason: read.reason }] };
        }
        default: {
          const unknown: never = read;
          throw new Error(`unknown snapshot read ${JSON.stringify(unknown)}`);
        }
      }
    },
  };
}

function fleetOf(snapshot: RoutingSnapshot): SnapshotFleet {
  return {
    nodes: snapshot.nodes.map((node) => brokerNodeOf(node, snapshot.writtenAt)),
    rejected: [],
    sequence: snapshot.sequence,
  };
}

/**
 * A routing node in the shape node choice takes. The fields a snapshot does
 * not carry get neutral values that no routing decision reads (counters 0,
 * no labels, reasons and `since` times that only say where to look):
 * operators read the broker items, which hold the real ones.
 *
 * @example brokerNodeOf({ id: 'b1', endpoint, admin: 'active', health: 'healthy', lastProbeAt }, writtenAt).consecutiveFailures // 0: not carried
 */
export function brokerNodeOf(node: RoutingNode, writtenAt: string): BrokerNode {
  const since = writtenAt;
  const reason = 'see the broker item';
  const health: BrokerNode['health'] =
    node.health === 'initial'
      ? { state: 'initial' }
      : node.health === 'healthy'
        ? { state: 'healthy', since }
        : { state: node.health, since, reason };
  return {
    id: node.id,
    endpoint: node.endpoint,
    ...(node.az !== undefined && { az: node.az }),
    labels: {},
    health,
    admin: { state: node.admin, since },
    // isStale reads registeredAt only when there is no last probe, which is when the snapshot carries it.
    registeredAt: node.registeredAt ?? node.lastProbeAt ?? writtenAt,
    ...(node.lastProbeAt !== undefined && { lastProbeAt: node.lastProbeAt }),
    ...(node.latencyMs !== undefined && { latencyMs: node.latencyMs }),
    ...(node.outlierReportedAt !== undefined && { outlierReportedAt: node.outlierReportedAt }),
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
    flapCount: 0,
    probeSeq: 0,
    version: 0,
  };
}
