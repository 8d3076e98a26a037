import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { DEFAULT_HEALTH_POLICY } from '../../src/core/health-transition.js';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import { planRound } from '../../src/core/probe-round-plan.js';
import { brokerNode } from '../support/broker-node.js';

const now = new Date('2026-11-26T12:00:30.000Z');
/** A broker healthy since long ago, last probed 10 s before `now`. */
const node = (id: string, overrides: Partial<BrokerNode> = {}): BrokerNode =>
  brokerNode(id, {
    health: { state: 'healthy', since: '2026-11-26T11:00:00.000Z' },
    lastProbeAt: '2026-11-26T12:00:20.000Z',
    lastTransitionAt: '2026-11-26T11:00:00.000Z',
    consecutiveSuccesses: 2,
    probeSeq: 100,
    version: 7,
    ...overrides,
  });
const ok: ProbeOutcome = { result: 'ok', latencyMs: 1.234 };
const refused: ProbeOutcome = {
  result: 'failed',
  stage: 'tcp',
  severity: 'hard',
  reason: 'connection refused',
};

const plan = (nodes: BrokerNode[], outcomes: [string, ProbeOutcome][], refreshAfterMs = 30_000) =>
  planRound({
    nodes,
    outcomes: new Map(outcomes),
    policy: DEFAULT_HEALTH_POLICY,
    now,
    probeSeq: 200,
    refreshAfterMs,
  });

describe('planRound', () => {
  it('writes nothing for a steady healthy broker probed recently', () => {
    expect(plan([node('b1')], [['b1', ok]]).writes).toEqual([]);
  });

  it('refreshes a steady broker once its last probe is older than refreshAfterMs', () => {
    const { writes } = plan(
      [node('b1', { lastProbeAt: '2026-11-26T11:59:59.000Z' })],
      [['b1', ok]],
    );
    expect(writes).toEqual([
      expect.objectContaining({
        id: 'b1',
        expectedVersion: 7,
        probeSeq: 200,
        probedAt: now.toISOString(),
        latencyMs: 1.23,
      }),
    ]);
  });

  it('writes a changed broker at once, conditioned on the version it read, and reports the transition', () => {
    const result = plan(
      [node('b1'), node('b2')],
      [
        ['b1', ok],
        ['b2', refused],
      ],
    );

    expect(
      result.writes.map((write) => [write.id, write.expectedVersion, write.record.health.state]),
    ).toEqual([['b2', 7, 'unhealthy']]);
    expect(result.writes[0]).not.toHaveProperty('latencyMs');
    expect(result.transitions).toEqual([{ id: 'b2', from: 'healthy', to: 'unhealthy' }]);
  });

  it('suspects its own network and writes nothing when every broker fails at TCP', () => {
    const result = plan(
      [node('b1'), node('b2')],
      [
        ['b1', refused],
        ['b2', refused],
      ],
    );
    expect(result).toEqual({ writes: [], transitions: [], suspectProberNetwork: true });
  });

  it('still marks a single broker down: one failed broker is not a network problem', () => {
    const result = plan([node('b1')], [['b1', refused]]);
    expect(result.suspectProberNetwork).toBe(false);
    expect(result.writes).toHaveLength(1);
  });

  it('writes a never-probed broker', () => {
    const { lastProbeAt: _never, ...fresh } = node('b1', {
      health: { state: 'initial' },
      consecutiveSuccesses: 0,
    });
    expect(plan([fresh], [['b1', ok]]).writes.map((write) => write.record.health.state)).toEqual([
      'healthy',
    ]);
  });
});
