import type { HealthState, HealthStateName } from './broker-node.js';
import type { ProbeOutcome } from './probe-outcome.js';

export interface HealthPolicy {
  /** Soft failures in a row before a broker is unhealthy. */
  readonly fall: number;
  /** Successes in a row before an unhealthy or blocked broker is healthy again. */
  readonly rise: number;
  /** Hold-down after the second flap in a row; each further flap doubles it. */
  readonly holdDownBaseMs: number;
  readonly holdDownMaxMs: number;
  /** Going down again within this long of recovering counts as a flap. */
  readonly flapWindowMs: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = {
  fall: 3,
  rise: 2,
  holdDownBaseMs: 30_000,
  holdDownMaxMs: 10 * 60_000,
  flapWindowMs: 5 * 60_000,
};

/** The health fields of a broker item: what the prober owns. */
export interface HealthRecord {
  readonly health: HealthState;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  readonly flapCount: number;
  readonly holdDownUntil?: string;
  readonly lastTransitionAt?: string;
}

export interface HealthStep {
  readonly record: HealthRecord;
  /** Present when the state changed. */
  readonly transition?: { readonly from: HealthStateName; readonly to: HealthStateName };
}

const isUp = (state: HealthStateName) => state === 'healthy' || state === 'degraded';

/**
 * Applies one probe outcome to a broker's health: the state machine of the
 * design's health model, pure and clock-free (`now` is passed in).
 *
 * @example nextHealth(record, { result: 'failed', stage: 'tcp', severity: 'hard', reason: 'refused' }, DEFAULT_HEALTH_POLICY, now)
 */
export function nextHealth(
  record: HealthRecord,
  outcome: ProbeOutcome,
  policy: HealthPolicy,
  now: Date,
): HealthStep {
  const current = record.health.state;
  switch (outcome.result) {
    case 'ok':
    case 'degraded': {
      // Counters stop at `rise` and `fall`: a steady broker's record then stops changing, and is not rewritten.
      const counted = {
        ...record,
        consecutiveSuccesses: Math.min(record.consecutiveSuccesses + 1, policy.rise),
        consecutiveFailures: 0,
      };
      const target: HealthState =
        outcome.result === 'ok'
          ? { state: 'healthy', since: now.toISOString() }
          : { state: 'degraded', since: now.toISOString(), reason: outcome.reason };
      const holdingDown =
        record.holdDownUntil !== undefined && Date.parse(record.holdDownUntil) > now.getTime();
      // A new broker needs one success; a broker that was down needs `rise` and an expired hold-down.
      const mayRise =
        isUp(current) ||
        current === 'initial' ||
        (counted.consecutiveSuccesses >= policy.rise && !holdingDown);
      return mayRise ? moveTo(counted, target, now) : { record: counted };
    }
    case 'blocked':
    case 'failed': {
      const counted = {
        ...record,
        consecutiveSuccesses: 0,
        consecutiveFailures: Math.min(record.consecutiveFailures + 1, policy.fall),
      };
      const reason = `${outcome.stage}: ${outcome.reason}`;
      if (outcome.result === 'blocked')
        return goDown(counted, { state: 'blocked', since: now.toISOString(), reason }, policy, now);
      if (outcome.severity === 'hard' || counted.consecutiveFailures >= policy.fall) {
        return goDown(
          counted,
          { state: 'unhealthy', since: now.toISOString(), reason },
          policy,
          now,
        );
      }
      // Timeouts short of `fall` make an up broker suspect (degraded: still eligible, spilled over to), not down.
      if (isUp(current)) {
        const suspect = `${reason} (${counted.consecutiveFailures} of ${policy.fall} before unhealthy)`;
        return moveTo(
          counted,
          { state: 'degraded', since: now.toISOString(), reason: suspect },
          now,
        );
      }
      return { record: counted };
    }
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown probe outcome ${JSON.stringify(unknown)}`);
    }
  }
}

function moveTo(record: HealthRecord, target: HealthState, now: Date): HealthStep {
  const from = record.health.state;
  if (from === target.state) {
    // Same state: keep its `since`, refresh the reason.
    const health = {
      ...target,
      ...('since' in record.health && { since: record.health.since }),
    } as HealthState;
    return { record: { ...record, health } };
  }
  return {
    record: { ...record, health: target, lastTransitionAt: now.toISOString() },
    transition: { from, to: target.state },
  };
}

function goDown(
  record: HealthRecord,
  target: HealthState,
  policy: HealthPolicy,
  now: Date,
): HealthStep {
  if (!isUp(record.health.state)) return moveTo(record, target, now);
  const upSince = Date.parse(record.lastTransitionAt ?? '');
  const flapped = !Number.isNaN(upSince) && now.getTime() - upSince < policy.flapWindowMs;
  const flapCount = flapped ? record.flapCount + 1 : 0;
  // One quick failure (a crash soon after joining, a restart) is not yet flapping: hold-down starts with the second.
  const holdDownMs = Math.min(policy.holdDownBaseMs * 2 ** (flapCount - 2), policy.holdDownMaxMs);
  const { holdDownUntil: _expired, ...rest } = record;
  return moveTo(
    {
      ...rest,
      flapCount,
      ...(flapCount >= 2 && { holdDownUntil: new Date(now.getTime() + holdDownMs).toISOString() }),
    },
    target,
    now,
  );
}
