import type { BrokerNode, HealthStateName } from './broker-node.js';
import { type HealthPolicy, type HealthRecord, nextHealth } from './health-transition.js';
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
}

/**
 * Turns a round of probe outcomes into the registry writes it needs: a broker
 * is written when its health record changes, and otherwise only when its last
 * write is older than `refreshAfterMs`.
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

  const writes: HealthWrite[] = [];
  const transitions: Transition[] = [];
  for (const node of probed) {
    const outcome = input.outcomes.get(node.id) as ProbeOutcome;
    const current = healthRecordOf(node);
    const step = nextHealth(current, outcome, input.policy, input.now);
    if (step.transition) transitions.push({ id: node.id, ...step.transition });
    const lastProbe = Date.parse(node.lastProbeAt ?? '');
    // A publisher's outlier report holds until a probe supersedes it: answer it this round.
    const refreshDue =
      Number.isNaN(lastProbe) ||
      input.now.getTime() - lastProbe >= input.refreshAfterMs ||
      hasOutlierReport(node);
    if (!refreshDue && sameRecord(step.record, current)) continue;
    writes.push({
      id: node.id,
      expectedVersion: node.version,
      probeSeq: input.probeSeq,
      record: step.record,
      probedAt: input.now.toISOString(),
      ...('latencyMs' in outcome && { latencyMs: Math.round(outcome.latencyMs * 100) / 100 }),
    });
  }
  return { writes, transitions, suspectProberNetwork };
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
