import { describe, expect, it } from 'vitest';
import { createPublisher } from '../../src/publish/create-publisher.js';
import type { CachedFleetView } from '../../src/registry/cached-fleet-view.js';
import {
  fail,
  fixedFleet,
  healthy,
  noConfirm,
  now,
  reportingPublisher,
  scriptedPool,
  tasks,
} from './create-publisher-fixtures.js';

describe('createPublisher', () => {
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
