import { describe, expect, it } from 'vitest';
import { createPublisher } from '../../src/publish/create-publisher.js';
import {
  closed,
  fixedFleet,
  healthy,
  noConfirm,
  now,
  reportingPublisher,
  scriptedPool,
  tasks,
} from './create-publisher-fixtures.js';

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
});
