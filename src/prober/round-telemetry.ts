import type { RoundSummary } from './probe-round.js';
import type { ProberInvocationResult } from './prober-invocation.js';
import { compactSummary } from './prober-loop.js';
import { PROBER_METRICS, type ProberMetricName } from './prober-metrics.js';

const NAMES = PROBER_METRICS.names;

/** One CloudWatch metric value, independent of the library that emits it. */
export interface MetricEntry {
  readonly name: ProberMetricName;
  readonly unit: 'Count' | 'Milliseconds';
  readonly value: number;
  /**
   * Dimensions of this value alone. EMF applies dimensions to a whole record,
   * so an emitter writes each dimensioned entry as its own record.
   */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/**
 * The metrics of one probe round: per-broker publish-confirm latency
 * (`NodeId`), health transitions (in total and per target state, `ToState`),
 * eligible brokers, round duration, write conflicts, whether the prober
 * suspected its own network, and whether the fleet snapshot failed to publish
 * (publishers then route on the previous one, which goes stale).
 *
 * @example roundMetrics(summary).find((entry) => entry.name === 'EligibleBrokers') // { name: 'EligibleBrokers', unit: 'Count', value: 3 }
 */
export function roundMetrics(summary: RoundSummary): MetricEntry[] {
  const latencies = Object.entries(summary.outcomes).flatMap(([nodeId, outcome]) =>
    'latencyMs' in outcome
      ? [
          {
            name: NAMES.probeLatency,
            unit: 'Milliseconds',
            value: outcome.latencyMs,
            dimensions: { NodeId: nodeId },
          } as const,
        ]
      : [],
  );
  const toStates = new Map<string, number>();
  for (const { to } of summary.transitions) toStates.set(to, (toStates.get(to) ?? 0) + 1);
  return [
    ...latencies,
    { name: NAMES.healthTransitions, unit: 'Count', value: summary.transitions.length },
    ...[...toStates].map(
      ([state, count]) =>
        ({
          name: NAMES.healthTransitions,
          unit: 'Count',
          value: count,
          dimensions: { ToState: state },
        }) as const,
    ),
    { name: NAMES.eligibleBrokers, unit: 'Count', value: summary.eligible },
    { name: NAMES.roundDuration, unit: 'Milliseconds', value: summary.durationMs },
    { name: NAMES.writeConflicts, unit: 'Count', value: summary.conflicts },
    {
      name: NAMES.suspectProberNetwork,
      unit: 'Count',
      value: summary.suspectProberNetwork ? 1 : 0,
    },
    ...(summary.snapshot
      ? [
          {
            name: NAMES.snapshotFailures,
            unit: 'Count',
            value: summary.snapshot.state === 'failed' ? 1 : 0,
          } as const,
        ]
      : []),
  ];
}

/**
 * The metrics of one invocation: rounds run, and whether it found the lease
 * held elsewhere or stopped early. Zeros are emitted too, so alarms see data.
 *
 * @example invocationMetrics({ rounds: [], leaseHeldElsewhere: true, stoppedEarly: false })[1] // { name: 'LeaseHeldElsewhere', unit: 'Count', value: 1 }
 */
export function invocationMetrics(result: ProberInvocationResult): MetricEntry[] {
  return [
    { name: NAMES.probeRounds, unit: 'Count', value: result.rounds.length },
    { name: NAMES.leaseHeldElsewhere, unit: 'Count', value: result.leaseHeldElsewhere ? 1 : 0 },
    { name: NAMES.stoppedEarly, unit: 'Count', value: result.stoppedEarly ? 1 : 0 },
  ];
}

/** Emitted when an invocation could not run (configuration, credentials, registry). */
export const INVOCATION_FAILED_METRIC: MetricEntry = {
  name: NAMES.invocationErrors,
  unit: 'Count',
  value: 1,
};

/**
 * The structured log attributes of one round: its counts, its transitions and
 * each broker's outcome (result, then latency or stage and reason). Reasons
 * carry redacted endpoints only: credentials never reach a summary.
 *
 * @example logger.info('probe round', roundLogAttributes(summary));
 */
export function roundLogAttributes(summary: RoundSummary): Record<string, unknown> {
  return {
    round: compactSummary(summary),
    transitions: summary.transitions,
    outcomes: summary.outcomes,
  };
}

/**
 * The structured log attributes of one invocation: each round in compact form.
 *
 * @example logger.info('probe invocation', invocationLogAttributes(result));
 */
export function invocationLogAttributes(result: ProberInvocationResult): Record<string, unknown> {
  return {
    rounds: result.rounds.map(compactSummary),
    leaseHeldElsewhere: result.leaseHeldElsewhere,
    stoppedEarly: result.stoppedEarly,
  };
}
