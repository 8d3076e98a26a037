import { describe, expect, it } from 'vitest';
import { isEligible } from '../../src/core/eligibility.js';
import { hasOutlierReport } from '../../src/core/node-selection.js';
import { type RoutingNode, routingNodeOf } from '../../src/core/routing-snapshot.js';
import { isStale } from '../../src/core/staleness.js';
import type { SnapshotRead } from '../../src/registry/fleet-snapshots.js';
import { RegistryUnavailableError } from '../../src/registry/health-registry.js';
import { createSnapshotFleetReader } from '../../src/registry/snapshot-fleet-reader.js';
import { brokerNode } from '../support/broker-node.js';

const WRITTEN_AT = '2026-12-07T16:00:05.000Z';
const node = (id: string, overrides: Partial<RoutingNode> = {}): RoutingNode => ({
  id,
  endpoint: `amqp://10.0.0.${id.slice(1)}:5672`,
  admin: 'active',
  health: 'healthy',
  lastProbeAt: '2026-12-07T16:00:00.000Z',
  ...overrides,
});
const found = (sequence: number, ...ids: string[]): SnapshotRead => ({
  kind: 'found',
  copy: 0,
  snapshot: { sequence, writtenAt: WRITTEN_AT, nodes: ids.map((id) => node(id)) },
});

/** Snapshot copies that answer what the test queued, and broker items that answer `items`. */
function sources(reads: SnapshotRead[], copies = 1) {
  const asked: number[] = [];
  let queries = 0;
  const snapshots = {
    copies,
    read: async (copy: number) => {
      asked.push(copy);
      const next = reads.shift();
      if (!next) throw new RegistryUnavailableError('no answer queued');
      return next;
    },
  };
  const fallback = {
    listNodes: async () => {
      queries++;
      return { nodes: [brokerNode('q1')], rejected: [] };
    },
  };
  return { snapshots, fallback, asked, queries: () => queries };
}

const ids = (fleet: { nodes: readonly { id: string }[] }) => fleet.nodes.map((n) => n.id);

describe('createSnapshotFleetReader', () => {
  it('answers with the snapshot’s brokers and sequence, without reading the broker items', async () => {
    const s = sources([found(4, 'b1', 'b2')]);
    const reader = createSnapshotFleetReader(s);

    const fleet = await reader.listNodes();

    expect(ids(fleet)).toEqual(['b1', 'b2']);
    expect(fleet).toMatchObject({ sequence: 4, rejected: [] });
    expect(s.queries()).toBe(0);
  });

  it('never goes backwards: a copy read older than what it returned is answered with the newer one', async () => {
    const s = sources([found(5, 'b1', 'b2'), found(4, 'b1'), found(6, 'b2'), found(5, 'b1')]);
    const reader = createSnapshotFleetReader(s);

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await reader.listNodes());

    expect(answers.map((fleet) => (fleet as { sequence?: number }).sequence)).toEqual([5, 5, 6, 6]);
    expect(answers.map(ids)).toEqual([['b1', 'b2'], ['b1', 'b2'], ['b2'], ['b2']]);
  });

  it('reads the broker items while no snapshot exists (a fresh table, a prober that never ran)', async () => {
    const s = sources([{ kind: 'missing', copy: 0 }, found(1, 'b1')]);
    const reader = createSnapshotFleetReader(s);

    expect(ids(await reader.listNodes())).toEqual(['q1']);
    expect(ids(await reader.listNodes())).toEqual(['b1']);
    expect(s.queries()).toBe(1);
  });

  it('reads the broker items instead of a snapshot that does not decode, and names it as rejected', async () => {
    const s = sources([{ kind: 'rejected', copy: 0, reason: 'not brotli-compressed' }]);
    const reader = createSnapshotFleetReader(s);

    const fleet = await reader.listNodes();

    expect(ids(fleet)).toEqual(['q1']);
    expect(fleet.rejected).toEqual([
      { key: 'fleet snapshot copy 0', reason: 'not brotli-compressed' },
    ]);
  });

  it('lets a failed snapshot read fail (the cache then serves its last known good view), not a Query', async () => {
    const s = sources([]);
    const reader = createSnapshotFleetReader(s);

    await expect(reader.listNodes()).rejects.toThrow(RegistryUnavailableError);
    expect(s.queries()).toBe(0);
  });

  it.each([
    [0, 0],
    [0.49, 1],
    [0.99, 3],
    [1, 3],
  ])('with 4 copies and random() = %s, reads copy %s on every read', async (random, copy) => {
    const s = sources([found(1, 'b1'), found(2, 'b1')], 4);
    const reader = createSnapshotFleetReader({ ...s, random: () => random });

    await reader.listNodes();
    await reader.listNodes();

    expect(reader.copy).toBe(copy);
    expect(s.asked).toEqual([copy, copy]);
  });

  it.each([
    ['healthy and probed', {}],
    ['never probed', { lastProbeAt: undefined, health: { state: 'initial' as const } }],
    ['long unprobed', { lastProbeAt: '2026-12-07T15:00:00.000Z' }],
    ['draining', { admin: { state: 'draining' as const, since: WRITTEN_AT } }],
    ['degraded', { health: { state: 'degraded' as const, since: WRITTEN_AT, reason: 'slow' } }],
    ['reported by a publisher', { outlierReportedAt: '2026-12-07T16:00:01.000Z' }],
    ['reported before its last probe', { outlierReportedAt: '2026-12-07T15:59:00.000Z' }],
  ])('routes a broker %s as its item would be routed', async (_name, overrides) => {
    const item = brokerNode('b7', {
      health: { state: 'healthy', since: '2026-12-07T15:00:00.000Z' },
      lastProbeAt: '2026-12-07T16:00:00.000Z',
      latencyMs: 4.5,
      az: 'us-east-1b',
      ...overrides,
    });
    const s = sources([
      {
        kind: 'found',
        copy: 0,
        snapshot: { sequence: 1, writtenAt: WRITTEN_AT, nodes: [routingNodeOf(item)] },
      },
    ]);
    const [routed] = (await createSnapshotFleetReader(s).listNodes()).nodes;
    if (!routed) throw new Error('no broker');
    const nowMs = Date.parse(WRITTEN_AT);

    const judged = (n: typeof item) => ({
      eligible: isEligible(n),
      stale: isStale(n, nowMs, 15_000),
      outlier: hasOutlierReport(n),
      id: n.id,
      endpoint: n.endpoint,
      az: n.az,
      latencyMs: n.latencyMs,
      admin: n.admin.state,
      health: n.health.state,
    });
    expect(judged(routed)).toEqual(judged(item));
  });
});
