import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { DEFAULT_HEALTH_POLICY } from '../../src/core/health-transition.js';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import { planRound } from '../../src/core/probe-round-plan.js';
import { createRoundWriter } from '../../src/prober/round-writer.js';
import type { HealthRegistry, HealthWrite } from '../../src/registry/health-registry.js';
import { brokerNode } from '../support/broker-node.js';
import { PROBE_OUTCOMES } from '../support/probe-outcomes.js';

const { ok, refused, hung } = PROBE_OUTCOMES;

const now = new Date('2026-11-26T12:00:30.000Z');
const context = {
  policy: DEFAULT_HEALTH_POLICY,
  probeSeq: 200,
  refreshAfterMs: 22_500,
  intervalMs: 15_000,
};
const healthy = (id: string, lastProbeAt: string, overrides: Partial<BrokerNode> = {}) =>
  brokerNode(id, {
    health: { state: 'healthy', since: '2026-11-26T11:00:00.000Z' },
    lastProbeAt,
    consecutiveSuccesses: 2,
    ...overrides,
  });

/** Streams the outcomes in `order` through a round writer on a fixed clock; returns what it wrote. */
async function streamed(nodes: BrokerNode[], outcomes: ProbeOutcome[], order: number[]) {
  const written: HealthWrite[] = [];
  const registry = {
    recordHealth: async (write: HealthWrite) => {
      written.push(write);
      return 'written' as const;
    },
  } as unknown as HealthRegistry;
  const writer = createRoundWriter({
    registry,
    probed: nodes.length,
    context,
    clock: () => now,
    healthWritesPerSecond: Number.POSITIVE_INFINITY,
  });
  for (const i of order) writer.accept(nodes[i] as BrokerNode, outcomes[i] as ProbeOutcome);
  const summary = await writer.finish();
  return { written, summary };
}

const fleet = [
  healthy('b1', '2026-11-26T12:00:12.000Z'),
  healthy('b2', '2026-11-26T12:00:09.000Z'),
  healthy('b3', '2026-11-26T12:00:11.000Z'),
  healthy('b4', '2026-11-26T11:59:00.000Z'),
  healthy('b5', '2026-11-26T12:00:20.000Z', { consecutiveSuccesses: 1 }),
  healthy('b6', '2026-11-26T12:00:25.000Z'),
  brokerNode('b7'),
  healthy('b8', '2026-11-26T12:00:10.000Z'),
];

describe('createRoundWriter', () => {
  it.each<[string, ProbeOutcome[]]>([
    ['a steady fleet with early refreshes', Array(8).fill(ok)],
    ['transitions, changes, refreshes', [ok, ok, refused, ok, ok, hung, ok, refused]],
    [
      'TCP failures first, one success last',
      [refused, refused, refused, refused, refused, refused, refused, ok],
    ],
    ['every broker failing at TCP', Array(8).fill(refused)],
  ])('writes what planRound plans, in any arrival order: %s', async (_, outcomes) => {
    const plan = planRound({
      nodes: fleet,
      outcomes: new Map(fleet.map((node, i) => [node.id, outcomes[i] as ProbeOutcome])),
      now,
      ...context,
    });
    for (const order of [
      [0, 1, 2, 3, 4, 5, 6, 7],
      [7, 6, 5, 4, 3, 2, 1, 0],
      [2, 5, 0, 7, 3, 1, 6, 4],
    ]) {
      const { written, summary } = await streamed(fleet, outcomes, order);
      expect(new Set(written)).toEqual(new Set(plan.writes));
      expect(written).toHaveLength(plan.writes.length);
      expect(new Set(summary.transitions)).toEqual(new Set(plan.transitions));
      expect(summary.suspectProberNetwork).toBe(plan.suspectProberNetwork);
    }
  });
});
