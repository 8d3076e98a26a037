/**
 * The prober's CloudWatch metrics: namespace, `service` dimension and metric
 * names. The prober emits them (round-telemetry.ts) and the CDK stacks alarm
 * and chart on them (infra/service-monitoring.ts) by these constants, never
 * by literal, as both share `ENV`.
 */
export const PROBER_METRICS = {
  namespace: 'Warren',
  service: 'warren-prober',
  names: {
    probeLatency: 'ProbeLatency',
    healthTransitions: 'HealthTransitions',
    eligibleBrokers: 'EligibleBrokers',
    roundDuration: 'RoundDuration',
    writeConflicts: 'WriteConflicts',
    suspectProberNetwork: 'SuspectProberNetwork',
    probeRounds: 'ProbeRounds',
    leaseHeldElsewhere: 'LeaseHeldElsewhere',
    stoppedEarly: 'StoppedEarly',
    invocationErrors: 'InvocationErrors',
    snapshotFailures: 'SnapshotFailures',
  },
} as const;

export type ProberMetricName = (typeof PROBER_METRICS.names)[keyof typeof PROBER_METRICS.names];
