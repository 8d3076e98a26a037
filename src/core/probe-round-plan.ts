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

/** What a round's plan of one broker needs besides the broker and its outcome. */
export type RoundContext = Omit<RoundInput, 'nodes' | 'outcomes'>;

/** How urgent a broker's write is; lower goes first. */
export const WRITE_URGENCY = {
  transition: 0,
  /** Another record change, or a publisher's outlier report to answer. */
  change: 1,
  /** Only the last probe is new: a refresh, due or early. */
  refresh: 2,
} as const;
export type WriteUrgency = (typeof WRITE_URGENCY)[keyof typeof WRITE_URGENCY];

/** What one broker's outcome asks of its round, before the round chooses its early refreshes. */
export interface NodePlan {
  /** The write this broker would get; issued when `urgency` is set or it is chosen as an early refresh. */
  readonly write: HealthWrite;
  readonly transition?: Transition;
  /** Absent when this broker needs no write this round. */
  readonly urgency?: WriteUrgency;
  /** Needs no write this round but is due next round (only with `intervalMs`): an early-refresh candidate. */
  readonly dueNextRound: boolean;
  /** Its last probe, in epoch ms (NaN when never probed); early refreshes go oldest first. */
  readonly lastProbeMs: number;
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
 * Built from {@link planNode}, {@link suspectsProberNetwork} and
 * {@link earlyRefreshes}, which a caller planning brokers as their outcomes
 * arrive uses too.
 *
 * @example const { writes } = planRound({ nodes, outcomes, policy, now, probeSeq: now.getTime(), refreshAfterMs: 30_000 });
 */
export function planRound(input: RoundInput): RoundPlan {
  const probed = input.nodes.filter((node) => input.outcomes.has(node.id));
  const outcomeOf = (node: BrokerNode) => input.outcomes.get(node.id) as ProbeOutcome;
  const suspectProberNetwork = suspectsProberNetwork(probed.map(outcomeOf));
  if (suspectProberNetwork) return { writes: [], transitions: [], suspectProberNetwork };

  const plans = probed.map((node) => planNode(node, outcomeOf(node), input));
  const writes = plans
    .filter((plan) => plan.urgency !== undefined)
    .sort((a, b) => (a.urgency ?? 0) - (b.urgency ?? 0))
    .map(({ write }) => write);
  writes.push(...earlyRefreshes(plans, { probed: probed.length, planned: writes.length }, input));
  const transitions = plans.flatMap(({ transition }) => (transition ? [transition] : []));
  return { writes, transitions, suspectProberNetwork };
}

/**
 * A failure at TCP: the kind that, when every probed broker (two or more) has
 * it, points at the prober's own network, so the round writes nothing. One
 * outcome of any other kind rules that out for the whole round.
 */
export function isTcpFailure(outcome: ProbeOutcome): boolean {
  return outcome.result === 'failed' && outcome.stage === 'tcp';
}

/** Whether a round with these outcomes suspects the prober's network (see {@link isTcpFailure}). */
export function suspectsProberNetwork(outcomes: readonly ProbeOutcome[]): boolean {
  return outcomes.length >= 2 && outcomes.every(isTcpFailure);
}

/**
 * Plans one broker from its outcome alone: its next record, its transition, and
 * whether (and how urgently) it needs a write this round. Only the round's
 * suspicion of the prober's network and its early refreshes depend on the
 * other brokers.
 *
 * @example const { write, urgency } = planNode(node, outcome, { policy, now, probeSeq, refreshAfterMs: 30_000 });
 */
export function planNode(node: BrokerNode, outcome: ProbeOutcome, context: RoundContext): NodePlan {
  const current = healthRecordOf(node);
  const step = nextHealth(current, outcome, context.policy, context.now);
  const write: HealthWrite = {
    id: node.id,
    expectedVersion: node.version,
    probeSeq: context.probeSeq,
    record: step.record,
    probedAt: context.now.toISOString(),
    ...('latencyMs' in outcome && { latencyMs: Math.round(outcome.latencyMs * 100) / 100 }),
  };
  const lastProbeMs = Date.parse(node.lastProbeAt ?? '');
  const ageMs = Number.isNaN(lastProbeMs)
    ? Number.POSITIVE_INFINITY
    : context.now.getTime() - lastProbeMs;
  const urgency = urgencyOf(step, current, node, ageMs >= context.refreshAfterMs);
  const dueNextRound =
    urgency === undefined &&
    Boolean(context.intervalMs) &&
    ageMs + (context.intervalMs ?? 0) >= context.refreshAfterMs;
  return {
    write,
    ...(step.transition && { transition: { id: node.id, ...step.transition } }),
    ...(urgency !== undefined && { urgency }),
    dueNextRound,
    lastProbeMs,
  };
}

/**
 * The early refreshes a round adds once every broker is planned: with
 * `intervalMs`, its share of the fleet (`probed` divided by the rounds in a
 * refresh cycle, rounded down) less the writes it already `planned`, taken
 * oldest first from the plans due next round. Empty without `intervalMs`.
 */
export function earlyRefreshes(
  plans: readonly NodePlan[],
  counts: { readonly probed: number; readonly planned: number },
  context: RoundContext,
): HealthWrite[] {
  if (!context.intervalMs) return [];
  const cycleRounds = Math.max(1, Math.ceil(context.refreshAfterMs / context.intervalMs));
  // Rounded down, so spreading never writes more than lockstep does on average.
  const share = Math.floor(counts.probed / cycleRounds);
  return plans
    .filter((plan) => plan.dueNextRound)
    .sort((a, b) => a.lastProbeMs - b.lastProbeMs)
    .slice(0, Math.max(0, share - counts.planned))
    .map(({ write }) => write);
}

function urgencyOf(
  step: HealthStep,
  current: HealthRecord,
  node: BrokerNode,
  refreshDue: boolean,
): WriteUrgency | undefined {
  if (step.transition) return WRITE_URGENCY.transition;
  // A publisher's outlier report holds until a probe supersedes it: answer it this round.
  if (!sameRecord(step.record, current) || hasOutlierReport(node)) return WRITE_URGENCY.change;
  return refreshDue ? WRITE_URGENCY.refresh : undefined;
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
