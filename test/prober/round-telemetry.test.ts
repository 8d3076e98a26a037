import { describe, expect, it } from 'vitest';
import type { RoundSummary } from '../../src/prober/probe-round.js';
import {
  invocationLogAttributes,
  invocationMetrics,
  type MetricEntry,
  roundLogAttributes,
  roundMetrics,
} from '../../src/prober/round-telemetry.js';

const summary = (overrides: Partial<RoundSummary> = {}): RoundSummary => ({
  startedAt: '2026-11-26T12:00:00.000Z',
  durationMs: 120,
  phases: { probesMs: 100, writesMs: 15, snapshotMs: 5 },
  probed: 3,
  writes: 0,
  conflicts: 0,
  transitions: [],
  suspectProberNetwork: false,
  eligible: 3,
  outcomes: {},
  ...overrides,
});
const refused = {
  result: 'failed',
  stage: 'tcp',
  severity: 'hard',
  reason: 'connection refused',
} as const;
const named = (entries: MetricEntry[], name: string) =>
  entries.filter((entry) => entry.name === name);

describe('roundMetrics', () => {
  it.each<[string, Partial<RoundSummary>, string, MetricEntry[]]>([
    [
      'a latency per broker that got as far as a confirm',
      { outcomes: { b1: { result: 'ok', latencyMs: 3.5 }, b2: refused } },
      'ProbeLatency',
      [{ name: 'ProbeLatency', unit: 'Milliseconds', value: 3.5, dimensions: { NodeId: 'b1' } }],
    ],
    [
      'the latency of a degraded broker too',
      { outcomes: { b3: { result: 'degraded', latencyMs: 400, reason: 'slow' } } },
      'ProbeLatency',
      [{ name: 'ProbeLatency', unit: 'Milliseconds', value: 400, dimensions: { NodeId: 'b3' } }],
    ],
    [
      'transitions in total and per target state',
      {
        transitions: [
          { id: 'b1', from: 'healthy', to: 'unhealthy' },
          { id: 'b2', from: 'degraded', to: 'unhealthy' },
          { id: 'b3', from: 'initial', to: 'healthy' },
        ],
      },
      'HealthTransitions',
      [
        { name: 'HealthTransitions', unit: 'Count', value: 3 },
        {
          name: 'HealthTransitions',
          unit: 'Count',
          value: 2,
          dimensions: { ToState: 'unhealthy' },
        },
        { name: 'HealthTransitions', unit: 'Count', value: 1, dimensions: { ToState: 'healthy' } },
      ],
    ],
    [
      'zero transitions, so an alarm sees data',
      {},
      'HealthTransitions',
      [{ name: 'HealthTransitions', unit: 'Count', value: 0 }],
    ],
    [
      'the eligible brokers',
      { eligible: 2 },
      'EligibleBrokers',
      [{ name: 'EligibleBrokers', unit: 'Count', value: 2 }],
    ],
    [
      'the round duration',
      { durationMs: 2_345 },
      'RoundDuration',
      [{ name: 'RoundDuration', unit: 'Milliseconds', value: 2_345 }],
    ],
    [
      'the write conflicts',
      { conflicts: 2 },
      'WriteConflicts',
      [{ name: 'WriteConflicts', unit: 'Count', value: 2 }],
    ],
    [
      'a suspected prober network as 1',
      { suspectProberNetwork: true },
      'SuspectProberNetwork',
      [{ name: 'SuspectProberNetwork', unit: 'Count', value: 1 }],
    ],
    [
      'a fleet snapshot that failed to publish as 1',
      { snapshot: { state: 'failed' as const, reason: 'throttled' } },
      'SnapshotFailures',
      [{ name: 'SnapshotFailures', unit: 'Count', value: 1 }],
    ],
    [
      'a published fleet snapshot as 0, so an alarm sees data',
      {
        snapshot: {
          state: 'published' as const,
          sequence: 7,
          bytes: 180,
          written: 1,
          superseded: 0,
        },
      },
      'SnapshotFailures',
      [{ name: 'SnapshotFailures', unit: 'Count', value: 0 }],
    ],
    ['no snapshot metric from a registry without one', {}, 'SnapshotFailures', []],
  ])('reports %s', (_case, overrides, name, expected) => {
    expect(named(roundMetrics(summary(overrides)), name)).toEqual(expected);
  });
});

describe('invocationMetrics', () => {
  it.each([
    [
      'a full invocation',
      { rounds: [summary(), summary()], leaseHeldElsewhere: false, stoppedEarly: false },
      [2, 0, 0],
    ],
    [
      'a lease held elsewhere',
      { rounds: [], leaseHeldElsewhere: true, stoppedEarly: false },
      [0, 1, 0],
    ],
    [
      'an early stop',
      { rounds: [summary()], leaseHeldElsewhere: false, stoppedEarly: true },
      [1, 0, 1],
    ],
  ])('reports rounds, lease held elsewhere and early stop for %s', (_case, result, values) => {
    expect(invocationMetrics(result)).toEqual([
      { name: 'ProbeRounds', unit: 'Count', value: values[0] },
      { name: 'LeaseHeldElsewhere', unit: 'Count', value: values[1] },
      { name: 'StoppedEarly', unit: 'Count', value: values[2] },
    ]);
  });
});

describe('log attributes', () => {
  it('logs a round with its counts, transitions and each broker outcome with its reason', () => {
    const round = summary({
      transitions: [{ id: 'b2', from: 'healthy', to: 'unhealthy' }],
      outcomes: { b1: { result: 'ok', latencyMs: 3.5 }, b2: refused },
    });

    expect(roundLogAttributes(round)).toEqual({
      round: expect.objectContaining({ probed: 3, eligible: 3, transitions: 1 }),
      transitions: [{ id: 'b2', from: 'healthy', to: 'unhealthy' }],
      outcomes: { b1: { result: 'ok', latencyMs: 3.5 }, b2: refused },
    });
  });

  it('logs an invocation with each round in compact form, without per-broker outcomes', () => {
    const round = summary({ outcomes: { b1: { result: 'ok', latencyMs: 3.5 } } });

    const attributes = invocationLogAttributes({
      rounds: [round],
      leaseHeldElsewhere: false,
      stoppedEarly: true,
    });

    expect(attributes).toEqual({
      rounds: [expect.objectContaining({ startedAt: round.startedAt, durationMs: 120 })],
      leaseHeldElsewhere: false,
      stoppedEarly: true,
    });
    expect(JSON.stringify(attributes)).not.toContain('latencyMs');
  });
});
