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
      random: () => 0, // the pair is always b1 and b2, whose costs tie: b1 wins
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

  it("sends a request's unkeyed messages to one broker, as one batch", async () => {
    const { pool, sent } = scriptedPool(() => ({ ok: true }));
    const publisher = createPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
    });

    const results = await publisher.publish(
      tasks,
      Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, body: i })),
    );

    expect(sent).toHaveLength(1);
    expect(sent[0]?.ids).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    expect(new Set(results.map((result) => result.status === 'accepted' && result.node))).toEqual(
      new Set([sent[0]?.node]),
    );
  });

  it("moves a request's messages a broker failed to the next broker together, as one batch", async () => {
    const { pool, sent } = scriptedPool((target) => (target.id === 'b1' ? closed : { ok: true }));
    const publisher = createPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
      random: () => 0, // the pair is b1 and b2, whose costs tie: b1 first
    });
    const ids = Array.from({ length: 50 }, (_, i) => `m${i}`);

    const results = await publisher.publish(
      tasks,
      ids.map((id) => ({ id, body: id })),
    );

    expect(sent.map((attempt) => [attempt.node, attempt.ids])).toEqual([
      ['b1', ids],
      ['b2', ids],
    ]);
    expect(results.every((result) => result.status === 'accepted' && result.node === 'b2')).toBe(
      true,
    );
  });

  it('spreads concurrent requests over the brokers by the messages they have in flight', async () => {
    const { pool, sent } = scriptedPool(() => ({ ok: true }));
    // No confirm until every request has chosen its broker: each sees the others' load.
    const requestCount = 30;
    let chosen = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const confirmAtOnce = pool.publish;
    pool.publish = async (...args) => {
      chosen += 1;
      if (chosen === requestCount) release();
      await held;
      return confirmAtOnce(...args);
    };
    const publisher = createPublisher({
      fleet: fixedFleet([healthy('b1'), healthy('b2'), healthy('b3')]),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
    });

    const requests = Array.from({ length: requestCount }, (_, r) =>
      publisher.publish(
        tasks,
        Array.from({ length: 10 }, (_, i) => ({ id: `r${r}-m${i}`, body: i })),
      ),
    );
    await Promise.all(requests);

    expect(sent).toHaveLength(requestCount);
    const perNode = new Map<string, number>();
    for (const attempt of sent)
      perNode.set(attempt.node, (perNode.get(attempt.node) ?? 0) + attempt.ids.length);
    expect([...perNode.keys()].sort()).toEqual(['b1', 'b2', 'b3']);
    // Power of two choices never adds to a broker busier than both others:
    // the busiest ends at most one request ahead of the next.
    const [busiest = 0, next = 0] = [...perNode.values()].sort((a, b) => b - a);
    expect(busiest - next).toBeLessThanOrEqual(10);
  });

  /** Brokers b1, b2, … probed at `latencies`; how many of `requests` sequential single-message requests each takes. */
  const sequentialShares = async (latencies: readonly number[], requests: number) => {
    const { pool, sent } = scriptedPool(() => ({ ok: true }));
    const publisher = createPublisher({
      fleet: fixedFleet(latencies.map((latency, i) => healthy(`b${i + 1}`, latency))),
      pool,
      probeIntervalMs: 15_000,
      clock: () => now,
    });
    for (let r = 0; r < requests; r++) await publisher.publish(tasks, [{ id: `r${r}`, body: r }]);
    const perNode = new Map<string, number>();
    for (const attempt of sent) perNode.set(attempt.node, (perNode.get(attempt.node) ?? 0) + 1);
    return perNode;
  };

  it("spreads a sequential caller's requests over brokers whose probed latencies differ by noise", async () => {
    // Every Lambda container calls one request at a time and reads the same
    // probe samples: a strict order by latency would send them all away from
    // whichever broker happened to probe slowest.
    const perNode = await sequentialShares([6, 7, 9], 600);

    for (const node of ['b1', 'b2', 'b3']) expect(perNode.get(node) ?? 0).toBeGreaterThan(150);
  });

  it('sends a sequential caller away from a broker probed at over twice the latency of the rest', async () => {
    const perNode = await sequentialShares([6, 7, 20], 300);

    expect(perNode.get('b3')).toBeUndefined();
    expect(perNode.get('b1')).toBeDefined();
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
