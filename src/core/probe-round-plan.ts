import type { BrokerNode, HealthStateName } from './broker-node.js';
import {
  type HealthPolicy,
  type HealthRecord,
  type HealthStep,
  nextHealth,
} from './health-transition.js';
import { hasOutlierReport } from './node-selection.js';
import type { ProbeOutcome } from './probe-outcome.js';

/**
 * One conditional health write. It lands only if the item still has
 * `expectedVersion` and an older probe sequence, so a slow or concurrent
 * prober can never overwrite newer truth.
 */
export interface HealthWrite {
  readonly id: string;
  readonly expectedVersion: number;
  readonly probeSeq: number;
  readonly record: HealthRecord;
  readonly probedAt: string;
  /** Publish-confirm latency of this probe, when it got that far. */
  readonly latencyMs?: number;
}

export interface Transition {
  readonly id: string;
  readonly from: HealthStateName;
  readonly to: HealthStateName;
}

export interface RoundPlan {
  readonly writes: readonly HealthWrite[];
  readonly transitions: readonly Transition[];
  /**
   * Every broker failed at TCP in the same round: more likely the prober's own
   * network than the whole fleet, so nothing is written.
   */
  readonly suspectProberNetwork: boolean;
}

export interface RoundInput {
  readonly nodes: readonly BrokerNode[];
  readonly outcomes: ReadonlyMap<string, ProbeOutcome>;
  readonly policy: HealthPolicy;
  readonly now: Date;
  readonly probeSeq: number;
  /** An unchanged broker is still rewritten once its last probe is this old, so readers can tell fresh from stale. */
  readonly refreshAfterMs: number;
  /**
   * Start-to-start time between rounds. When given, refreshes are spread over
   * the rounds: brokers written in the same round (a new fleet, a fleet-wide
   * transition) would otherwise all be due again in the same later round.
   */
  readonly intervalMs?: number;
}

/**
 * Turns a round of probe outcomes into the registry writes it needs: a broker
 * is written when its health record changes, and otherwise only when its last
 * write is older than `refreshAfterMs`. Writes come most urgent first (state
 * transitions, then other changes, then refreshes), so a caller pacing them
 * lands a failing broker's state before the refreshes.
 *
 * With `intervalMs`, a round that writes fewer than its share of the fleet
 * (one refresh cycle's worth, `refreshAfterMs / intervalMs` rounds) also
 * refreshes, oldest first, brokers that would be due next round: a fleet
 * written in lockstep then writes about N/2 every round instead of N every
 * second round. These writes only come early, so no broker's last probe gets
 * older than without them.
 *
 * @example const { writes } = planRound({ nodes, outcomes, policy, now, probeSeq: now.getTime(), refreshAfterMs: 30_000 });
 */
export function planRound(input: RoundInput): RoundPlan {
  const probed = input.nodes.filter((node) => input.outcomes.has(node.id));
  const suspectProberNetwork =
    probed.length >= 2 &&
    probed.every((node) => {
      const outcome = input.outcomes.get(node.id);
      return outcome?.result === 'failed' && outcome.stage === 'tcp';
    });
  if (suspectProberNetwork) return { writes: [], transitions: [], suspectProberNetwork };

  const planned: { readonly write: HealthWrite; readonly urgency: Urgency }[] = [];
  const early: { readonly write: HealthWrite; readonly lastProbeMs: number }[] = [];
  const transitions: Transition[] = [];
  const nowMs = input.now.getTime();
  for (const node of probed) {
    const outcome = input.outcomes.get(node.id) as ProbeOutcome;
    const current = healthRecordOf(node);
    const step = nextHealth(current, outcome, input.policy, input.now);
    if (step.transition) transitions.push({ id: node.id, ...step.transition });
    const write: HealthWrite = {
      id: node.id,
      expectedVersion: node.version,
      probeSeq: input.probeSeq,
      record: step.record,
      probedAt: input.now.toISOString(),
      ...('latencyMs' in outcome && { latencyMs: Math.round(outcome.latencyMs * 100) / 100 }),
    };
    const lastProbeMs = Date.parse(node.lastProbeAt ?? '');
    const ageMs = Number.isNaN(lastProbeMs) ? Number.POSITIVE_INFINITY : nowMs - lastProbeMs;
    const urgency = urgencyOf(step, current, node, ageMs >= input.refreshAfterMs);
    if (urgency !== undefined) planned.push({ write, urgency });
    else if (input.intervalMs && ageMs + input.intervalMs >= input.refreshAfterMs)
      early.push({ write, lastProbeMs });
  }
  const writes = planned.sort((a, b) => a.urgency - b.urgency).map(({ write }) => write);
  if (input.intervalMs) {
    const cycleRounds = Math.max(1, Math.ceil(input.refreshAfterMs / input.intervalMs));
    // Rounded down, so spreading never writes more than lockstep does on average.
    const share = Math.floor(probed.length / cycleRounds);
    early.sort((a, b) => a.lastProbeMs - b.lastProbeMs);
    for (const { write } of early.slice(0, Math.max(0, share - writes.length))) writes.push(write);
  }
  return { writes, transitions, suspectProberNetwork };
}

/** Lower goes first; undefined needs no write this round. */
type Urgency = 0 | 1 | 2;

function urgencyOf(
  step: HealthStep,
  current: HealthRecord,
  node: BrokerNode,
  refreshDue: boolean,
): Urgency | undefined {
  if (step.transition) return 0;
  // A publisher's outlier report holds until a probe supersedes it: answer it this round.
  if (!sameRecord(step.record, current) || hasOutlierReport(node)) return 1;
  return refreshDue ? 2 : undefined;
}

export function healthRecordOf(node: BrokerNode): HealthRecord {
  return {
    health: node.health,
    consecutiveSuccesses: node.consecutiveSuccesses,
    consecutiveFailures: node.consecutiveFailures,
    flapCount: node.flapCount,
    ...(node.holdDownUntil && { holdDownUntil: node.holdDownUntil }),
    ...(node.lastTransitionAt && { lastTransitionAt: node.lastTransitionAt }),
  };
}

function sameRecord(a: HealthRecord, b: HealthRecord): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
