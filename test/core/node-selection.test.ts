import { describe, expect, it } from 'vitest';
import type { BrokerNode, HealthState } from '../../src/core/broker-node.js';
import {
  hasOutlierReport,
  orderForMessage,
  rendezvousScore,
  selectCandidates,
} from '../../src/core/node-selection.js';
import { brokerNode } from '../support/broker-node.js';

const now = Date.parse('2026-11-26T12:00:00.000Z');
const recent = '2026-11-26T11:59:55.000Z';
const since = '2026-11-26T11:00:00.000Z';
const health = {
  healthy: { state: 'healthy', since },
  degraded: { state: 'degraded', since, reason: 'slow' },
  unhealthy: { state: 'unhealthy', since, reason: 'refused' },
  blocked: { state: 'blocked', since, reason: 'alarm' },
  initial: { state: 'initial' },
} satisfies Record<string, HealthState>;

const node = (id: string, state: keyof typeof health, overrides: Partial<BrokerNode> = {}) =>
  brokerNode(id, { health: health[state], lastProbeAt: recent, ...overrides });
const select = (
  nodes: BrokerNode[],
  options: { reachable?: boolean; ejected?: string[]; copies?: number } = {},
) =>
  selectCandidates({
    nodes,
    nowMs: now,
    probeIntervalMs: 15_000,
    registryReachable: options.reachable ?? true,
    ejected: new Set(options.ejected ?? []),
    ...(options.copies !== undefined && { copies: options.copies }),
  });
const ids = (nodes: readonly BrokerNode[]) => nodes.map((n) => n.id);
const admin = (state: BrokerNode['admin']['state']) => ({ admin: { state, since } });

describe('selectCandidates', () => {
  it.each<
    [
      string,
      BrokerNode[],
      { reachable?: boolean; ejected?: string[]; copies?: number },
      string[],
      string[],
      boolean,
    ]
  >([
    [
      'prefers healthy brokers, spilling over to degraded ones',
      [node('b1', 'healthy'), node('b2', 'degraded'), node('b3', 'healthy')],
      {},
      ['b1', 'b3'],
      ['b2'],
      false,
    ],
    [
      'uses degraded brokers when none is healthy',
      [node('b1', 'degraded'), node('b2', 'degraded'), node('b3', 'unhealthy')],
      {},
      ['b1', 'b2'],
      [],
      false,
    ],
    [
      'never uses a draining, maintenance or retired broker, even in panic',
      [
        node('b1', 'healthy', admin('draining')),
        node('b2', 'healthy', admin('maintenance')),
        node('b3', 'healthy', admin('retired')),
        node('b4', 'unhealthy'),
      ],
      {},
      [],
      ['b4'],
      true,
    ],
    [
      'panics when fewer than half the active brokers are eligible, trying every active one (blocked before unhealthy)',
      [node('b1', 'healthy'), node('b2', 'unhealthy'), node('b3', 'blocked')],
      {},
      ['b1'],
      ['b3', 'b2'],
      true,
    ],
    [
      'does not panic at exactly half',
      [node('b1', 'healthy'), node('b2', 'unhealthy')],
      {},
      ['b1'],
      [],
      false,
    ],
    [
      'panics when the registry is unreachable',
      [node('b1', 'healthy'), node('b2', 'healthy')],
      { reachable: false },
      ['b1', 'b2'],
      [],
      true,
    ],
    [
      'panics when every broker is stale (no prober)',
      [
        node('b1', 'healthy', { lastProbeAt: '2026-11-26T11:00:00.000Z' }),
        node('b2', 'unhealthy', { lastProbeAt: '2026-11-26T11:00:00.000Z' }),
      ],
      {},
      [],
      ['b1', 'b2'],
      true,
    ],
    [
      'puts brokers this publisher ejected last',
      [node('b1', 'healthy'), node('b2', 'healthy'), node('b3', 'unhealthy')],
      { ejected: ['b1'] },
      ['b2'],
      ['b3', 'b1'],
      true,
    ],
    [
      'skips a broker a publisher reported after its last probe',
      [
        node('b1', 'healthy', { outlierReportedAt: '2026-11-26T11:59:58.000Z' }),
        node('b2', 'healthy'),
        node('b3', 'healthy'),
      ],
      {},
      ['b2', 'b3'],
      [],
      false,
    ],
    [
      'keeps set-aside brokers as last resorts when messages need 2 copies, never an unhealthy one',
      [
        node('b1', 'healthy'),
        node('b2', 'healthy', { outlierReportedAt: '2026-11-26T11:59:58.000Z' }),
        node('b3', 'healthy'),
        node('b4', 'degraded'),
        node('b5', 'healthy'),
        node('b6', 'unhealthy'),
      ],
      { ejected: ['b3'], copies: 2 },
      ['b1', 'b5'],
      ['b4', 'b2', 'b3'],
      false,
    ],
    ['offers nothing for an empty fleet', [], {}, [], [], false],
  ])('%s', (_, nodes, options, preferred, fallback, panic) => {
    const candidates = select(nodes, options);
    expect([ids(candidates.preferred), ids(candidates.fallback), candidates.panic]).toEqual([
      preferred,
      fallback,
      panic,
    ]);
  });
});

describe('hasOutlierReport', () => {
  it.each([
    ['no report', undefined, recent, false],
    ['a report after the last probe', '2026-11-26T11:59:58.000Z', recent, true],
    ['a report the prober has since answered', '2026-11-26T11:59:50.000Z', recent, false],
  ])('%s', (_, outlierReportedAt, lastProbeAt, expected) => {
    const n = brokerNode('b1', { lastProbeAt, ...(outlierReportedAt && { outlierReportedAt }) });
    expect(hasOutlierReport(n)).toBe(expected);
  });
});

describe('orderForMessage', () => {
  const three = [node('b1', 'healthy'), node('b2', 'healthy'), node('b3', 'healthy')];
  const flatCost = () => 1;

  it('sends a key to the same broker every time, and moves only the keys of a departed broker', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `customer-${i}`);
    const first = (nodes: BrokerNode[], key: string) =>
      orderForMessage(
        { preferred: nodes, fallback: [], panic: false },
        { key, cost: flatCost, random: Math.random },
      )[0]?.id;
    const before = new Map(keys.map((key) => [key, first(three, key)]));
    const after = new Map(
      keys.map((key) => [key, first([three[0], three[2]] as BrokerNode[], key)]),
    );

    const moved = keys.filter((key) => before.get(key) !== after.get(key));
    expect(moved.every((key) => before.get(key) === 'b2')).toBe(true);
    expect(new Set(before.values())).toEqual(new Set(['b1', 'b2', 'b3']));
  });

  it('picks the cheaper of two random brokers, then the rest by cost, then the fallback', () => {
    const cost = (n: BrokerNode) => ({ b1: 5, b2: 1, b3: 3 })[n.id as 'b1' | 'b2' | 'b3'];
    const randoms = [0.1, 0.9]; // picks b1 and then b3 of the remaining two
    const order = orderForMessage(
      { preferred: three, fallback: [node('b4', 'degraded')], panic: false },
      { cost, random: () => randoms.shift() ?? 0 },
    );
    expect(ids(order)).toEqual(['b3', 'b2', 'b1', 'b4']);
  });

  describe('with a subset', () => {
    const six = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((id) => node(id, 'healthy'));
    const [b1, b2, b3, b4, b5, b6] = six as [
      BrokerNode,
      BrokerNode,
      BrokerNode,
      BrokerNode,
      BrokerNode,
      BrokerNode,
    ];
    const candidates = {
      preferred: six,
      fallback: [node('b7', 'degraded')],
      panic: false,
      // b2 and b5 are this container's, then b4, b1, b6, b3 by its score.
      subset: { members: [b2, b5], rest: [b4, b1, b6, b3] },
    };

    it.each<[string, (n: BrokerNode) => number, number[], string[]]>([
      ['chooses the cheaper of its two members', () => 1, [0.1, 0.9], ['b2', 'b5']],
      [
        'puts the cheaper member first whichever the random pair names',
        (n) => (n.id === 'b5' ? 1 : 2),
        [0.1, 0.9],
        ['b5', 'b2'],
      ],
    ])('%s, then widens in subset order, then the fallback', (_, cost, randoms, first) => {
      const order = orderForMessage(candidates, { cost, random: () => randoms.shift() ?? 0 });

      expect(ids(order)).toEqual([...first, 'b4', 'b1', 'b6', 'b3', 'b7']);
    });

    it('sends a keyed message where every container sends it, ignoring the subset', () => {
      const firsts = new Set<string>();
      for (const key of Array.from({ length: 50 }, (_, i) => `customer-${i}`)) {
        const withSubset = orderForMessage(candidates, {
          key,
          cost: flatCost,
          random: Math.random,
        });
        const without = orderForMessage(
          { preferred: six, fallback: candidates.fallback, panic: false },
          { key, cost: flatCost, random: Math.random },
        );
        expect(ids(withSubset)).toEqual(ids(without));
        firsts.add(withSubset[0]?.id ?? '');
      }
      expect(firsts).toEqual(new Set(ids(six)));
    });

    it('uses a one-member subset alone, without drawing a random pair', () => {
      const random = () => {
        throw new Error('no pair to draw');
      };
      const order = orderForMessage(
        { ...candidates, subset: { members: [b5], rest: [b2, b4, b1, b6, b3] } },
        { cost: flatCost, random },
      );

      expect(ids(order)).toEqual(['b5', 'b2', 'b4', 'b1', 'b6', 'b3', 'b7']);
    });
  });

  it('spreads rendezvous scores so each broker wins about a third of the keys', () => {
    const wins = new Map<string, number>();
    for (let i = 0; i < 3_000; i++) {
      const best =
        ['b1', 'b2', 'b3'].sort(
          (a, b) => rendezvousScore(`k${i}`, b) - rendezvousScore(`k${i}`, a),
        )[0] ?? '';
      wins.set(best, (wins.get(best) ?? 0) + 1);
    }
    for (const count of wins.values()) expect(count).toBeGreaterThan(850);
  });
});
