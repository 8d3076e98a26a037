import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { decodeRoutingSnapshot } from '../../src/core/decode-routing-snapshot.js';
import {
  encodeRoutingSnapshot,
  type RoutingNode,
  type RoutingSnapshot,
  routingNodeOf,
} from '../../src/core/routing-snapshot.js';
import { brokerNode } from '../support/broker-node.js';
import { healthy, WRITTEN_AT } from './routing-snapshot-fixtures.js';

describe('routingNodeOf', () => {
  const probed: Partial<BrokerNode> = {
    az: 'us-east-1a',
    health: { state: 'healthy', since: '2026-12-07T15:00:00.000Z' },
    lastProbeAt: '2026-12-07T16:00:00.000Z',
    latencyMs: 3.27,
    labels: { stack: 'WarrenBroker-b1' },
    consecutiveSuccesses: 2,
  };
  it.each<[string, Partial<BrokerNode>, Partial<RoutingNode>]>([
    [
      'keeps a probed broker’s last probe, not its registration',
      probed,
      { lastProbeAt: '2026-12-07T16:00:00.000Z', registeredAt: undefined, latencyMs: 3.27 },
    ],
    [
      'keeps the registration of a broker never probed (isStale judges from it)',
      {},
      { lastProbeAt: undefined, registeredAt: '2026-11-26T11:00:00.000Z' },
    ],
    [
      'keeps an outlier report newer than the last probe',
      { ...probed, outlierReportedAt: '2026-12-07T16:00:01.000Z' },
      { outlierReportedAt: '2026-12-07T16:00:01.000Z' },
    ],
    [
      'drops an outlier report the last probe superseded',
      { ...probed, outlierReportedAt: '2026-12-07T15:59:59.000Z' },
      { outlierReportedAt: undefined },
    ],
    [
      'keeps an outlier report on a broker never probed',
      { outlierReportedAt: '2026-12-07T15:59:59.000Z' },
      { outlierReportedAt: '2026-12-07T15:59:59.000Z' },
    ],
    [
      'keeps admin and health as their state names',
      {
        admin: { state: 'draining', since: WRITTEN_AT },
        health: { state: 'unhealthy', since: WRITTEN_AT, reason: 'refused' },
      },
      { admin: 'draining', health: 'unhealthy' },
    ],
  ])('%s', (_name, overrides, expected) => {
    const routing = routingNodeOf(brokerNode('b1', overrides));
    for (const [field, value] of Object.entries(expected)) {
      if (value === undefined) expect(routing).not.toHaveProperty(field);
      else expect(routing).toHaveProperty(field, value);
    }
    expect(routing).not.toHaveProperty('labels');
    expect(routing).not.toHaveProperty('consecutiveSuccesses');
  });
});

describe('encodeRoutingSnapshot and decodeRoutingSnapshot', () => {
  it.each<[string, RoutingSnapshot]>([
    ['an empty fleet', { sequence: 1, writtenAt: WRITTEN_AT, nodes: [] }],
    [
      'a broker never probed',
      {
        sequence: 2,
        writtenAt: WRITTEN_AT,
        nodes: [
          {
            id: 'b1',
            endpoint: 'amqp://127.0.0.1:5672',
            admin: 'active',
            health: 'initial',
            registeredAt: '2026-12-01T00:00:00.000Z',
          },
        ],
      },
    ],
    [
      'every admin and health state, zones and none, latency and none, an outlier report',
      {
        sequence: 9_007_199_254_740_991,
        writtenAt: WRITTEN_AT,
        nodes: [
          healthy('b1', 'us-east-1a'),
          { ...healthy('b2', 'us-east-1b'), admin: 'draining', health: 'degraded' },
          { ...healthy('b3'), admin: 'maintenance', health: 'blocked' },
          { ...healthy('b4', 'us-east-1a'), admin: 'retired', health: 'unhealthy' },
          {
            ...healthy('b5', 'us-east-1c'),
            latencyMs: undefined,
            outlierReportedAt: '2026-12-07T16:00:02.500Z',
          },
        ].map((node) => JSON.parse(JSON.stringify(node)) as RoutingNode),
      },
    ],
    [
      'times after the writer’s clock (another machine’s clock ahead)',
      {
        sequence: 3,
        writtenAt: WRITTEN_AT,
        nodes: [{ ...healthy('b1'), lastProbeAt: '2026-12-07T16:00:09.123Z' }],
      },
    ],
  ])('round-trips %s', (_name, snapshot) => {
    const decoded = decodeRoutingSnapshot(encodeRoutingSnapshot(snapshot));
    expect(decoded).toEqual({ ok: true, snapshot });
  });

  it('keeps latency to the hundredth of a millisecond the prober stores', () => {
    const snapshot = { sequence: 1, writtenAt: WRITTEN_AT, nodes: [healthy('b1')] };
    const nodes = [
      { ...healthy('b1'), latencyMs: 0.07 },
      { ...healthy('b2'), latencyMs: 1234.56 },
    ];
    const decoded = decodeRoutingSnapshot(encodeRoutingSnapshot({ ...snapshot, nodes }));
    expect(decoded.ok && decoded.snapshot.nodes.map((node) => node.latencyMs)).toEqual([
      0.07, 1234.56,
    ]);
  });
});
