import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  BrokerPool,
  PoolTarget,
} from '../../src/publish/broker-pool.js';
import { createPublisher, type PublisherOptions } from '../../src/publish/create-publisher.js';
import type { CachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { brokerNode } from '../support/broker-node.js';

const now = Date.parse('2026-11-26T12:00:00.000Z');
const healthy = (id: string, latencyMs = 1): BrokerNode =>
  brokerNode(id, {
    health: { state: 'healthy', since: '2026-11-26T11:00:00.000Z' },
    lastProbeAt: '2026-11-26T11:59:59.000Z',
    latencyMs,
  });

/** The registry cache, holding a fixed fleet: what the publisher reads is the input here. */
function fixedFleet(nodes: BrokerNode[]): CachedFleetView & { invalidations: number } {
  const view = {
    invalidations: 0,
    read: async () => ({
      source: 'fresh' as const,
      snapshot: { nodes, rejected: [] },
      fetchedAtMs: now,
    }),
    invalidate: () => {
      view.invalidations += 1;
    },
  };
  return view;
}

/** A broker pool whose brokers answer as scripted; it records what went where. */
function scriptedPool(answer: (target: PoolTarget, index: number) => AttemptOutcome) {
  const sent: { node: string; ids: string[]; timeoutMs: number }[] = [];
  const discarded: string[] = [];
  const pool: BrokerPool = {
    publish: async (target, _destination, messages, timeoutMs) => {
      sent.push({ node: target.id, ids: messages.map((m) => m.id), timeoutMs });
      return messages.map((_, index) => answer(target, index));
    },
    discard: (id) => void discarded.push(id),
    close: async () => undefined,
  };
  return { pool, sent, discarded };
}

const fail = (failure: AttemptFailure): AttemptOutcome => ({ ok: false, failure });
const closed = fail({ kind: 'closed', detail: 'connection closed' });
const noConfirm = (afterMs: number) => fail({ kind: 'timeout', afterMs });

const tasks = { kind: 'queue', queue: 'tasks' } as const;

/** A publisher whose outlier reports are recorded, in the order made. */
function reportingPublisher(options: Omit<PublisherOptions, 'registry' | 'probeIntervalMs'>) {
  const reports: string[] = [];
  const publisher = createPublisher({
    ...options,
    registry: { reportOutlier: async (id) => void reports.push(id) },
    probeIntervalMs: 15_000,
  });
  return { publisher, reports };
}

describe('createPublisher', () => {
  it('retries what one broker failed on the next, reports that broker once, and says who accepted each message', async () => {
    const fleet = fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]);
    const { pool, sent } = scriptedPool((target) => (target.id === 'b1' ? closed : { ok: true }));
    const { publisher, reports } = reportingPublisher({
      fleet,
      pool,
      clock: () => now,
      random: () => 0, // the pair is always b1 and b2: b1 wins on cost while nothing is placed yet
    });

    const results = await publisher.publish(tasks, [
      { id: 'a', body: 1, key: 'k' },
      { id: 'b', body: 2 },
    ]);

    expect(results.map((result) => result.status)).toEqual(['accepted', 'accepted']);
    expect(results.every((result) => result.status === 'accepted' && result.node !== 'b1')).toBe(
      true,
    );
    expect(sent.some((attempt) => attempt.node === 'b1')).toBe(true);
    expect(reports).toEqual(['b1']);
    expect(fleet.invalidations).toBe(1);
  });

  it('keeps messages with one key together, in request order', async () => {
    const { pool, sent } = scriptedPool(() => ({ ok: true }));
    const publisher = createPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
    });

    await publisher.publish(
      tasks,
      Array.from({ length: 20 }, (_, i) => ({ id: `m${i}`, body: i, key: 'same' })),
    );

    expect(sent).toHaveLength(1);
    expect(sent[0]?.ids).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  });

  it('spreads an unkeyed batch over the brokers', async () => {
    const { pool, sent } = scriptedPool(() => ({ ok: true }));
    const publisher = createPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
    });

    await publisher.publish(
      tasks,
      Array.from({ length: 300 }, (_, i) => ({ body: i })),
    );

    const perNode = Object.fromEntries(sent.map((attempt) => [attempt.node, attempt.ids.length]));
    expect(Object.keys(perNode).sort()).toEqual(['b1', 'b2', 'b3']);
    for (const count of Object.values(perNode)) expect(count).toBeGreaterThan(60);
  });

  it('fails every message, naming why, when every broker fails', async () => {
    const { pool } = scriptedPool(() => noConfirm(1_000));
    const publisher = createPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2')]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
    });

    const [result] = await publisher.publish(tasks, [{ id: 'x', body: 1 }]);

    expect(result).toEqual({
      id: 'x',
      status: 'failed',
      code: 'brokers_failed',
      error: expect.stringMatching(/^every broker failed; last b[12]: no confirm within 1000 ms$/),
    });
  });

  it('fails every message with "no broker available" for an empty fleet, without touching the pool', async () => {
    const { pool, sent } = scriptedPool(() => ({ ok: true }));
    const publisher = createPublisher({
      fleet: fixedFleet([]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
    });

    expect(await publisher.publish(tasks, [{ id: 'x', body: 1 }])).toEqual([
      { id: 'x', status: 'failed', code: 'no_broker', error: 'no broker available' },
    ]);
    expect(sent).toEqual([]);
  });

  it('stops retrying at the deadline', async () => {
    let t = now;
    const { pool, sent } = scriptedPool(() => {
      t += 600; // each attempt takes 600 ms
      return closed;
    });
    const publisher = createPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => t,
    });

    const [result] = await publisher.publish(tasks, [{ id: 'x', body: 1 }], { deadlineMs: 1_000 });

    expect(sent).toHaveLength(2);
    expect(result).toMatchObject({
      status: 'failed',
      code: 'deadline',
      error: expect.stringMatching(/^deadline passed/),
    });
  });

  it('gives a message without an id a UUIDv7 and keeps it across retries', async () => {
    const { pool, sent } = scriptedPool((target) => (target.id === 'b1' ? closed : { ok: true }));
    const publisher = createPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2', 5)]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
      random: () => 0,
    });

    const [result] = await publisher.publish(tasks, [{ body: 1 }]);

    expect(result?.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(new Set(sent.flatMap((attempt) => attempt.ids))).toEqual(new Set([result?.id]));
  });

  it('fails an unroutable message alone: no other broker tried, no outlier report, no ejection', async () => {
    const fleet = fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]);
    const { pool, sent, discarded } = scriptedPool(() => fail({ kind: 'unroutable' }));
    const { publisher, reports } = reportingPublisher({
      fleet,
      pool,
      clock: () => now,
    });

    for (let i = 0; i < 5; i += 1) {
      const [result] = await publisher.publish(tasks, [{ id: `u${i}`, body: i }]);
      expect(result).toEqual({
        id: `u${i}`,
        status: 'failed',
        code: 'unroutable',
        error: expect.stringMatching(/^unroutable/),
      });
    }
    const keyed = Array.from({ length: 60 }, (_, i) => ({ body: i, key: `k${i % 12}` }));
    sent.length = 0;
    await publisher.publish(tasks, keyed);

    expect(reports).toEqual([]);
    expect(discarded).toEqual([]);
    expect(fleet.invalidations).toBe(0);
    // Nobody was ejected: the keys still spread over every broker.
    expect(new Set(sent.map((attempt) => attempt.node))).toEqual(new Set(['b1', 'b2', 'b3']));
  });

  it('blames no broker when the credentials cannot be read', async () => {
    const { pool, sent } = scriptedPool(() => fail({ kind: 'credentials', detail: 'throttled' }));
    const { publisher, reports } = reportingPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2')]),
      pool,
      clock: () => now,
    });

    const [result] = await publisher.publish(tasks, [{ id: 'c', body: 1 }]);

    expect(result).toMatchObject({ status: 'failed', code: 'credentials' });
    expect(JSON.stringify(result)).not.toContain('throttled');
    expect(sent).toHaveLength(1);
    expect(reports).toEqual([]);
  });

  it('discards the link of a broker whose confirm did not come within a full attempt, and reports it', async () => {
    const { pool, discarded } = scriptedPool((target) =>
      target.id === 'b1' ? noConfirm(1_000) : { ok: true },
    );
    const { publisher, reports } = reportingPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2', 5)]),
      pool,
      clock: () => now,
      random: () => 0,
    });

    const [result] = await publisher.publish(tasks, [{ id: 't', body: 1 }]);

    expect(result).toMatchObject({ status: 'accepted', node: 'b2' });
    expect(discarded).toEqual(['b1']);
    expect(reports).toEqual(['b1']);
  });

  it('neither blames nor discards a broker whose attempt the deadline cut short, and sends nothing with no time left', async () => {
    let t = now;
    const { pool, sent, discarded } = scriptedPool((_target) => {
      t += 300;
      return noConfirm(300);
    });
    const { publisher, reports } = reportingPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]),
      pool,
      clock: () => t,
    });

    const [result] = await publisher.publish(tasks, [{ id: 'd', body: 1 }], { deadlineMs: 300 });

    expect(sent).toEqual([{ node: expect.any(String), ids: ['d'], timeoutMs: 300 }]);
    expect(result).toMatchObject({ status: 'failed', code: 'deadline' });
    expect(reports).toEqual([]);
    expect(discarded).toEqual([]);
  });

  it('counts the registry read against the deadline', async () => {
    let t = now;
    const fleet = fixedFleet([healthy('b1')]);
    const seen: (number | undefined)[] = [];
    const slowFleet: CachedFleetView = {
      read: async (options) => {
        seen.push(options?.timeoutMs);
        t += 2_000; // a cold start waiting for DynamoDB
        return fleet.read();
      },
      invalidate: () => undefined,
    };
    const { pool, sent } = scriptedPool(() => ({ ok: true }));
    const publisher = createPublisher({
      fleet: slowFleet,
      pool,
      probeIntervalMs: 15_000,
      clock: () => t,
    });

    await publisher.publish(tasks, [{ id: 'r', body: 1 }], { deadlineMs: 2_500 });

    expect(seen).toEqual([2_500]);
    expect(sent.map((attempt) => attempt.timeoutMs)).toEqual([500]);
  });
});
