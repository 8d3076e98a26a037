import { setTimeout as sleep } from 'node:timers/promises';
import { isEligible } from '../core/eligibility.js';
import { DEFAULT_HEALTH_POLICY, type HealthPolicy } from '../core/health-transition.js';
import type { ProbeOutcome } from '../core/probe-outcome.js';
import type { Transition } from '../core/probe-round-plan.js';
import type { FleetSnapshots } from '../registry/fleet-snapshots.js';
import type { HealthRegistry } from '../registry/health-registry.js';
import { createLimiter } from '../timing/create-limiter.js';
import type { ProbeTarget } from './probe-broker.js';
import { createRoundWriter } from './round-writer.js';

/**
 * Probes in flight at once. Each holds a socket or two (the TCP check, then the
 * AMQP connection, then maybe an HTTPS request), and a Lambda has 1 024 file
 * descriptors; 250 leaves room for the SDK's sockets, and a fleet with fewer
 * hung brokers than this still finishes a round in about one probe's worst case.
 */
export const DEFAULT_PROBE_CONCURRENCY = 250;
/**
 * Health writes started a second. One write is one write unit, and every
 * broker item shares the partition key `node`, whose partition takes 1 000
 * units a second: 300 leaves most of it to operators and snapshot writes.
 */
export const DEFAULT_HEALTH_WRITES_PER_SECOND = 300;

export interface ProbeRoundOptions {
  readonly registry: HealthRegistry;
  readonly probe: (target: ProbeTarget) => Promise<ProbeOutcome>;
  /** An unchanged broker is rewritten once its last probe is this old (readers call 3 intervals stale). */
  readonly refreshAfterMs: number;
  readonly policy?: HealthPolicy;
  /** Each broker's probe starts after a random delay up to this, so probes do not arrive in lockstep. */
  readonly jitterMs?: number;
  /** Start-to-start time between rounds; when given, refreshes are spread over the rounds (see earlyRefreshes). */
  readonly intervalMs?: number;
  /** Probes in flight at once; default {@link DEFAULT_PROBE_CONCURRENCY}. `Infinity` probes all at once. */
  readonly probeConcurrency?: number;
  /** Health writes started a second; default {@link DEFAULT_HEALTH_WRITES_PER_SECOND}. `Infinity` issues all at once. */
  readonly healthWritesPerSecond?: number;
  readonly clock?: () => Date;
  readonly random?: () => number;
}

export interface RoundSummary {
  readonly startedAt: string;
  /** From the fleet read to the snapshot's publication. */
  readonly durationMs: number;
  readonly phases: RoundPhases;
  readonly probed: number;
  readonly writes: number;
  /** Writes refused because the item had moved on (a newer probe, another prober). */
  readonly conflicts: number;
  readonly transitions: readonly Transition[];
  readonly suspectProberNetwork: boolean;
  /** Brokers eligible for publishing after this round. */
  readonly eligible: number;
  readonly outcomes: Readonly<Record<string, ProbeOutcome>>;
  /** The fleet snapshot written after the health writes; absent when the registry keeps none. */
  readonly snapshot?: RoundSnapshot;
}

/** Where a round's time went, in ms: the fleet read and probes, the paced health writes, the snapshot. */
export interface RoundPhases {
  readonly probesMs: number;
  /**
   * From the end of the probes to the last health write. Writes start as soon as each
   * broker's probe ends, overlapping slower probes, so this is only what is left of them.
   */
  readonly writesMs: number;
  readonly snapshotMs: number;
}

/** What became of the round's fleet snapshot. */
export type RoundSnapshot =
  | {
      readonly state: 'published';
      readonly sequence: number;
      readonly bytes: number;
      readonly written: number;
      /** Copies a later publication had already replaced. */
      readonly superseded: number;
    }
  /** Health was written, the snapshot was not: publishers keep the previous one until the next round. */
  | { readonly state: 'failed'; readonly reason: string };

/**
 * One probe round: reads the fleet, probes every non-retired broker
 * concurrently (with jitter, at most `probeConcurrency` at once), writes what
 * changed, conditionally, most urgent first and paced to
 * `healthWritesPerSecond`, then publishes the fleet snapshot publishers route
 * on (when the registry keeps one). A broker's write is issued as soon as its
 * probe ends (once one outcome rules out suspecting the prober's network), so
 * the writes overlap slower probes: a round over many brokers takes about one
 * probe's worst case, not their sum, plus whatever of its paced writes is left.
 *
 * @example const summary = await runProbeRound({ registry, probe: (t) => probeBroker(t, options), refreshAfterMs: 30_000 });
 */
export async function runProbeRound(options: ProbeRoundOptions): Promise<RoundSummary> {
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const policy = options.policy ?? DEFAULT_HEALTH_POLICY;
  const startedAt = clock();
  const probeSeq = startedAt.getTime();
  const { nodes } = await options.registry.listNodes();
  const targets = nodes.filter((node) => node.admin.state !== 'retired');

  const writer = createRoundWriter({
    registry: options.registry,
    probed: targets.length,
    context: {
      policy,
      probeSeq,
      refreshAfterMs: options.refreshAfterMs,
      ...(options.intervalMs !== undefined && { intervalMs: options.intervalMs }),
    },
    clock,
    healthWritesPerSecond: options.healthWritesPerSecond ?? DEFAULT_HEALTH_WRITES_PER_SECOND,
  });
  const probeSlot = createLimiter({
    concurrency: options.probeConcurrency ?? DEFAULT_PROBE_CONCURRENCY,
  });
  const results = await Promise.all(
    targets.map(async (node) => {
      // Jitter before taking a slot: a waiting probe holds no socket.
      const delayMs = Math.floor(random() * (options.jitterMs ?? 0));
      if (delayMs > 0) await sleep(delayMs);
      const target = {
        id: node.id,
        endpoint: node.endpoint,
        ...(node.managementEndpoint && { managementEndpoint: node.managementEndpoint }),
      };
      // Probes report failures as data; one that throws anyway must not sink the whole round. Counted
      // at the first stage, so a prober bug that throws for every broker reads as "suspect the prober".
      const outcome = await probeSlot(() => options.probe(target)).catch(
        (error: unknown): ProbeOutcome => ({
          result: 'failed',
          stage: 'tcp',
          severity: 'soft',
          reason: `probe error: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
      // Its write is issued now, while slower probes still run.
      writer.accept(node, outcome);
      return [node.id, outcome] as const;
    }),
  );
  const probedAt = clock();
  const writes = await writer.finish();
  const writtenAt = clock();
  // After the health writes, every round, changed or not: readers judge staleness by each
  // broker's last probe, which the snapshot must carry forward as the items do.
  const snapshot =
    options.registry.snapshots && (await publishSnapshot(options.registry.snapshots, writtenAt));
  const finishedAt = clock();

  const eligible = targets.filter((node) =>
    isEligible({ admin: node.admin, health: writes.planned.get(node.id) ?? node.health }),
  );
  return {
    startedAt: startedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    phases: {
      probesMs: probedAt.getTime() - startedAt.getTime(),
      writesMs: writtenAt.getTime() - probedAt.getTime(),
      snapshotMs: finishedAt.getTime() - writtenAt.getTime(),
    },
    probed: targets.length,
    writes: writes.written,
    conflicts: writes.conflicts,
    transitions: writes.transitions,
    suspectProberNetwork: writes.suspectProberNetwork,
    eligible: eligible.length,
    outcomes: Object.fromEntries(results),
    ...(snapshot && { snapshot }),
  };
}

/** A failed publication is reported, not thrown: the health writes landed, and the next round publishes again. */
async function publishSnapshot(snapshots: FleetSnapshots, now: Date): Promise<RoundSnapshot> {
  try {
    const { sequence, bytes, written, superseded } = await snapshots.publish(now);
    return { state: 'published', sequence, bytes, written, superseded };
  } catch (error) {
    return { state: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}
