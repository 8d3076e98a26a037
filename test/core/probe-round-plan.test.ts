import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { DEFAULT_HEALTH_POLICY } from '../../src/core/health-transition.js';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import {
  earlyRefreshes,
  planNode,
  planRound,
  suspectsProberNetwork,
} from '../../src/core/probe-round-plan.js';
import { brokerNode } from '../support/broker-node.js';
import { PROBE_OUTCOMES } from '../support/probe-outcomes.js';

const { refused } = PROBE_OUTCOMES;

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

  it('orders writes by urgency: state transitions, then other changes, then refreshes', () => {
    const soft: ProbeOutcome = {
      result: 'failed',
      stage: 'amqp',
      severity: 'soft',
      reason: 'no AMQP handshake or channel in time',
    };
    const { writes } = plan(
      [
        node('b1', { lastProbeAt: '2026-11-26T11:59:00.000Z' }),
        node('b2', { consecutiveSuccesses: 1 }),
        node('b3', { outlierReportedAt: '2026-11-26T12:00:25.000Z' }),
        node('b4'),
      ],
      [
        ['b1', ok],
        ['b2', ok],
        ['b3', ok],
        ['b4', soft],
      ],
    );

    expect(writes.map((write) => write.id)).toEqual(['b4', 'b2', 'b3', 'b1']);
  });

  describe('over many rounds of a steady fleet first written in one round', () => {
    const intervalMs = 15_000;
    const refreshAfterMs = 1.5 * intervalMs;
    /** Runs `rounds` rounds `intervalMs` apart (each probe taking 2 s), applying every write. */
    function simulate(brokers: number, rounds: number, spread: boolean) {
      let nodes: BrokerNode[] = Array.from({ length: brokers }, (_, i) => {
        const { lastProbeAt: _never, ...steady } = node(`b${i + 1}`);
        return steady;
      });
      const start = Date.parse('2026-11-26T12:00:00.000Z');
      const writesPerRound: number[] = [];
      let oldestProbeMs = 0;
      for (let round = 0; round < rounds; round++) {
        const roundNow = new Date(start + round * intervalMs + 2_000);
        if (round > 0) {
          const ages = nodes.map((n) => roundNow.getTime() - Date.parse(n.lastProbeAt ?? ''));
          oldestProbeMs = Math.max(oldestProbeMs, ...ages);
        }
        const { writes } = planRound({
          nodes,
          outcomes: new Map(nodes.map((n) => [n.id, ok])),
          policy: DEFAULT_HEALTH_POLICY,
          now: roundNow,
          probeSeq: roundNow.getTime(),
          refreshAfterMs,
          ...(spread && { intervalMs }),
        });
        writesPerRound.push(writes.length);
        const written = new Map(writes.map((write) => [write.id, write]));
        nodes = nodes.map((n) => {
          const write = written.get(n.id);
          return write ? { ...n, lastProbeAt: write.probedAt, version: n.version + 1 } : n;
        });
      }
      return { writesPerRound, oldestProbeMs };
    }

    it.each([
      { brokers: 10, spread: false, writesPerRound: [10, 0, 10, 0, 10, 0, 10, 0] },
      { brokers: 10, spread: true, writesPerRound: [10, 5, 5, 5, 5, 5, 5, 5] },
      { brokers: 7, spread: true, writesPerRound: [7, 3, 4, 3, 4, 3, 4, 3] },
      { brokers: 1, spread: true, writesPerRound: [1, 0, 1, 0, 1, 0, 1, 0] },
    ])(
      'writes per round as expected with $brokers brokers, spread $spread',
      ({ brokers, spread, writesPerRound }) => {
        expect(simulate(brokers, 8, spread).writesPerRound).toEqual(writesPerRound);
      },
    );

    it('never lets a last probe get older by spreading: at most 2 intervals, inside the 3 that make it stale', () => {
      const lockstep = simulate(1_000, 12, false);
      const spread = simulate(1_000, 12, true);

      expect(spread.oldestProbeMs).toBeLessThanOrEqual(lockstep.oldestProbeMs);
      expect(spread.oldestProbeMs).toBe(2 * intervalMs);
      expect(spread.writesPerRound.slice(2)).toEqual(Array(10).fill(500));
    });
  });
});

describe('planNode', () => {
  const context = { policy: DEFAULT_HEALTH_POLICY, now, probeSeq: 200, refreshAfterMs: 22_500 };
  const soft: ProbeOutcome = {
    result: 'failed',
    stage: 'amqp',
    severity: 'soft',
    reason: 'no AMQP handshake or channel in time',
  };

  it.each<[string, BrokerNode, ProbeOutcome, number | undefined, boolean]>([
    ['a transition', node('b1'), refused, 0, false],
    ['a record change', node('b1', { consecutiveSuccesses: 1 }), ok, 1, false],
    [
      'an outlier report',
      node('b1', { outlierReportedAt: '2026-11-26T12:00:25.000Z' }),
      ok,
      1,
      false,
    ],
    ['a refresh due', node('b1', { lastProbeAt: '2026-11-26T12:00:00.000Z' }), ok, 2, false],
    [
      'no write, not due next round',
      node('b1', { lastProbeAt: '2026-11-26T12:00:25.000Z' }),
      ok,
      undefined,
      false,
    ],
    [
      'no write, due next round',
      node('b1', { lastProbeAt: '2026-11-26T12:00:10.000Z' }),
      ok,
      undefined,
      true,
    ],
    ['a soft failure of a healthy broker', node('b1', { consecutiveFailures: 0 }), soft, 0, false],
  ])(
    'plans %s with the urgency and early-refresh candidacy it calls for',
    (_, broker, outcome, urgency, dueNextRound) => {
      const plan = planNode(broker, outcome, { ...context, intervalMs: 15_000 });
      expect(plan.urgency).toBe(urgency);
      expect(plan.dueNextRound).toBe(dueNextRound);
      expect(plan.write).toMatchObject({ id: 'b1', expectedVersion: 7, probeSeq: 200 });
    },
  );

  it('finds nothing due next round without intervalMs', () => {
    const broker = node('b1', { lastProbeAt: '2026-11-26T12:00:10.000Z' });
    expect(planNode(broker, ok, context).dueNextRound).toBe(false);
  });

  it('reports a transition with its broker id', () => {
    expect(planNode(node('b2'), refused, context).transition).toEqual({
      id: 'b2',
      from: 'healthy',
      to: 'unhealthy',
    });
  });
});

describe('suspectsProberNetwork', () => {
  const soft: ProbeOutcome = { ...refused, severity: 'soft', reason: 'connect timeout' };
  it.each<[string, ProbeOutcome[], boolean]>([
    ['two TCP failures', [refused, soft], true],
    ['one TCP failure', [refused], false],
    ['no outcome', [], false],
    ['TCP failures and one success', [refused, refused, ok], false],
    ['a failure past TCP', [refused, { ...refused, stage: 'amqp' }], false],
  ])('%s: %s', (_, outcomes, suspect) => {
    expect(suspectsProberNetwork(outcomes)).toBe(suspect);
  });
});

describe('planRound, built from planNode and earlyRefreshes', () => {
  const context = {
    policy: DEFAULT_HEALTH_POLICY,
    now,
    probeSeq: 200,
    refreshAfterMs: 22_500,
    intervalMs: 15_000,
  };
  // Written 10 s ago: needs no write now, due next round.
  const dueNext = (id: string, lastProbeAt: string) => node(id, { lastProbeAt });
  const rounds: [string, BrokerNode[], ProbeOutcome[]][] = [
    ['a steady fleet', [node('b1'), node('b2'), node('b3')], [ok, ok, ok]],
    [
      'early refreshes, oldest first, up to the share',
      [
        dueNext('b1', '2026-11-26T12:00:12.000Z'),
        dueNext('b2', '2026-11-26T12:00:09.000Z'),
        dueNext('b3', '2026-11-26T12:00:11.000Z'),
        dueNext('b4', '2026-11-26T12:00:10.000Z'),
        node('b5'),
      ],
      [ok, ok, ok, ok, refused],
    ],
    ['a suspect round', [node('b1'), node('b2')], [refused, refused]],
    [
      'every kind of write',
      [
        node('b1', { lastProbeAt: '2026-11-26T11:59:00.000Z' }),
        node('b2', { consecutiveSuccesses: 1 }),
        node('b3'),
        dueNext('b4', '2026-11-26T12:00:10.000Z'),
      ],
      [ok, ok, refused, ok],
    ],
  ];

  it.each(rounds)('plans %s as its brokers planned one by one do', (_, nodes, results) => {
    const outcomes = nodes.map((n, i) => [n.id, results[i] as ProbeOutcome] as const);
    const round = planRound({ nodes, outcomes: new Map(outcomes), ...context });

    const plans = outcomes.map(([id, outcome]) =>
      planNode(nodes.find((n) => n.id === id) as BrokerNode, outcome, context),
    );
    const urgent = plans.filter((plan) => plan.urgency !== undefined).map((plan) => plan.write);
    const counts = { probed: nodes.length, planned: urgent.length };
    const oneByOne = suspectsProberNetwork(results)
      ? []
      : [...urgent, ...earlyRefreshes(plans, counts, context)];

    expect(new Set(round.writes)).toEqual(new Set(oneByOne));
    expect(round.suspectProberNetwork).toBe(suspectsProberNetwork(results));
  });

  it('adds as early refreshes the share less the writes already planned, oldest first', () => {
    const nodes = [
      dueNext('b1', '2026-11-26T12:00:12.000Z'),
      dueNext('b2', '2026-11-26T12:00:09.000Z'),
      dueNext('b3', '2026-11-26T12:00:11.000Z'),
      dueNext('b4', '2026-11-26T12:00:10.000Z'),
      dueNext('b5', '2026-11-26T12:00:10.500Z'),
      node('b6'),
    ];
    const plans = nodes.map((n) => planNode(n, n.id === 'b6' ? refused : ok, context));
    // 6 brokers over a 2-round cycle: a share of 3, 1 of it the transition.
    const early = earlyRefreshes(plans, { probed: 6, planned: 1 }, context);
    expect(early.map((write) => write.id)).toEqual(['b2', 'b4']);
    expect(earlyRefreshes(plans, { probed: 6, planned: 3 }, context)).toEqual([]);
  });
});
