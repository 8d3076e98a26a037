import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { REPLICAS_HEADER } from '../../src/core/replicas.js';
import type { AttemptOutcome, BrokerPool, PoolTarget } from '../../src/publish/broker-pool.js';
import { createPublisher } from '../../src/publish/create-publisher.js';
import type { MessageResult } from '../../src/publish/publisher.js';
import { closed, fixedFleet, healthy, now, tasks } from './create-publisher-fixtures.js';

interface Sent {
  readonly node: string;
  readonly id: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A pool that answers after a tick as scripted, and records each copy and how many attempts overlapped. */
function copyPool(answer: (target: PoolTarget) => AttemptOutcome = () => ({ ok: true })) {
  const sent: Sent[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pool: BrokerPool = {
    publish: async (target, _destination, messages) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      for (const { id, headers } of messages) sent.push({ node: target.id, id, headers });
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return messages.map(() => answer(target));
    },
    discard: () => undefined,
    close: async () => undefined,
  };
  return { pool, sent, maxInFlight: () => maxInFlight };
}

const publisherOver = (nodes: BrokerNode[], pool: BrokerPool, replicas?: number) =>
  createPublisher({
    fleet: fixedFleet(nodes),
    pool,
    probeIntervalMs: 15_000,
    clock: () => now,
    ...(replicas !== undefined && { policy: { replicas } }),
  });

const three = () => [healthy('b1'), healthy('b2'), healthy('b3')];
const copiesOf = (sent: readonly Sent[], id: string) =>
  sent.filter((copy) => copy.id === id).map((copy) => copy.node);
const nodesOf = (result: MessageResult | undefined) =>
  result?.status === 'accepted' ? result.nodes : [];

describe('createPublisher with replicas', () => {
  it('sends every copy in parallel to distinct brokers, with one id and the replicas header', async () => {
    const { pool, sent, maxInFlight } = copyPool();
    const publisher = publisherOver(three(), pool);

    const results = await publisher.publish(tasks, [{ id: 'a', body: 1 }], { replicas: 2 });

    const [result] = results;
    expect(result).toMatchObject({ id: 'a', status: 'accepted' });
    expect(nodesOf(result)).toHaveLength(2);
    expect(new Set(nodesOf(result)).size).toBe(2);
    expect(result?.status === 'accepted' && result.node).toBe(nodesOf(result)[0]);
    expect(copiesOf(sent, 'a').sort()).toEqual([...nodesOf(result)].sort());
    expect(sent.map((copy) => copy.headers[REPLICAS_HEADER])).toEqual(['2', '2']);
    expect(maxInFlight()).toBe(2);
  });

  it('moves only the copy that failed, to a broker holding no copy yet', async () => {
    const { pool, sent } = copyPool((target) => (target.id === 'b1' ? closed : { ok: true }));
    const publisher = publisherOver(three(), pool, 2);
    // 30 keys: rendezvous puts b1 among the first two brokers of some, not of others.

    const results = await publisher.publish(
      tasks,
      Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, body: i, key: `k${i}` })),
    );

    for (const [i, result] of results.entries()) {
      expect(result.status).toBe('accepted');
      expect([...nodesOf(result)].sort()).toEqual(['b2', 'b3']);
      const copies = copiesOf(sent, `m${i}`);
      // Two copies, plus one more only where b1 held one of them: a confirmed copy is never sent again.
      expect(copies.filter((node) => node !== 'b1').sort()).toEqual(['b2', 'b3']);
      expect(copies.length).toBe(copies.includes('b1') ? 3 : 2);
    }
    expect(sent.some((copy) => copy.node === 'b1')).toBe(true);
  });

  it('sends the copies of one key to the same brokers, in request order on each', async () => {
    const { pool, sent } = copyPool();
    const publisher = publisherOver(three(), pool, 2);

    await publisher.publish(
      tasks,
      Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, body: i, key: 'order-7' })),
    );

    const byNode = new Map<string, string[]>();
    for (const copy of sent) byNode.set(copy.node, [...(byNode.get(copy.node) ?? []), copy.id]);
    expect(byNode.size).toBe(2);
    for (const ids of byNode.values())
      expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('puts copies in distinct zones when the brokers carry zones', async () => {
    const { pool } = copyPool();
    const zoned = [healthy('b1'), healthy('b2'), healthy('b3'), healthy('b4')].map((node, i) => ({
      ...node,
      az: i < 3 ? 'eu-west-1a' : 'eu-west-1b',
    }));
    const publisher = publisherOver(zoned, pool, 2);

    const results = await publisher.publish(
      tasks,
      Array.from({ length: 40 }, (_, i) => ({ body: i, ...(i % 2 === 0 && { key: `k${i}` }) })),
    );

    for (const result of results) expect(nodesOf(result)).toContain('b4');
  });

  it('fails at once, sending nothing, when fewer brokers are eligible than copies are asked', async () => {
    const { pool, sent } = copyPool();
    const draining = {
      ...healthy('b3'),
      admin: { state: 'draining' as const, since: '2026-11-26T11:00:00.000Z' },
    };
    const publisher = publisherOver([healthy('b1'), healthy('b2'), draining], pool);

    const [result] = await publisher.publish(tasks, [{ id: 'a', body: 1 }], { replicas: 3 });

    expect(result).toEqual({
      id: 'a',
      status: 'failed',
      code: 'too_few_brokers',
      error: 'replicas 3 needs 3 distinct brokers; 2 eligible',
    });
    expect(sent).toEqual([]);
  });

  it('fails, naming the copies confirmed, when a failed copy has no broker left', async () => {
    const { pool } = copyPool((target) => (target.id === 'b2' ? closed : { ok: true }));
    const publisher = publisherOver([healthy('b1'), healthy('b2')], pool, 2);

    const [result] = await publisher.publish(tasks, [{ id: 'a', body: 1 }]);

    expect(result).toMatchObject({ status: 'failed', code: 'brokers_failed' });
    expect(result?.status === 'failed' && result.error).toMatch(
      /^1 of 2 copies confirmed \(b1\); every other broker failed; last b2: /,
    );
  });

  it('sends one copy without the replicas header by default, and lists it in nodes', async () => {
    const { pool, sent } = copyPool();
    const publisher = publisherOver(three(), pool);

    const [result] = await publisher.publish(tasks, [{ id: 'a', body: 1, headers: { t: 'x' } }]);

    expect(nodesOf(result)).toEqual([result?.status === 'accepted' && result.node]);
    expect(sent).toEqual([{ node: expect.any(String), id: 'a', headers: { t: 'x' } }]);
  });

  it.each([0, 4, 1.5, Number.NaN])(
    'refuses replicas %s before sending anything',
    async (replicas) => {
      const { pool, sent } = copyPool();
      const publisher = publisherOver(three(), pool);

      await expect(publisher.publish(tasks, [{ body: 1 }], { replicas })).rejects.toThrow(
        /replicas must be an integer from 1 to 3/,
      );
      expect(sent).toEqual([]);
    },
  );

  it('refuses a publisher whose default replicas is out of range', () => {
    const { pool } = copyPool();

    expect(() => publisherOver(three(), pool, 4)).toThrow(
      /replicas must be an integer from 1 to 3, got 4/,
    );
  });

  it('moves a failed copy to a broker it set aside when no other is left, rather than fail the message', async () => {
    let failing = 'b2';
    const { pool, sent } = copyPool((target) => (target.id === failing ? closed : { ok: true }));
    const publisher = publisherOver(three(), pool, 2);
    // A copy on every broker: b2 fails it, and this publisher ejects b2. Then b3 starts failing.
    await publisher.publish(tasks, [{ id: 'first', body: 1 }], { replicas: 3 });
    failing = 'b3';
    sent.length = 0;

    const [result] = await publisher.publish(tasks, [{ id: 'a', body: 1 }]);

    expect(result).toMatchObject({ status: 'accepted' });
    expect([...nodesOf(result)].sort()).toEqual(['b1', 'b2']);
    expect(copiesOf(sent, 'a').sort()).toEqual(['b1', 'b2', 'b3']);
  });
});
