import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { brokerSubset } from '../../src/core/broker-subset.js';
import { createPublisher, type PublisherPolicy } from '../../src/publish/create-publisher.js';
import type { MessageResult } from '../../src/publish/publisher.js';
import {
  closed,
  fixedFleet,
  healthy,
  now,
  scriptedPool,
  tasks,
} from './create-publisher-fixtures.js';

const fleetOf = (count: number) => Array.from({ length: count }, (_, i) => healthy(`b${i + 1}`));
const ids = (nodes: readonly BrokerNode[]) => nodes.map((node) => node.id);
const nodesOf = (results: readonly MessageResult[]) =>
  results.flatMap((result) => (result.status === 'accepted' ? result.nodes : []));
const unkeyed = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `m${i}`, body: i }));

function publisherOver(
  nodes: BrokerNode[],
  containerId: string,
  policy: Partial<PublisherPolicy>,
  pool = scriptedPool(() => ({ ok: true })),
  random: () => number = Math.random,
) {
  const publisher = createPublisher({
    fleet: fixedFleet(nodes),
    pool: pool.pool,
    probeIntervalMs: 15_000,
    clock: () => now,
    random,
    containerId,
    policy,
  });
  return { publisher, sent: pool.sent };
}

describe('createPublisher with a broker subset', () => {
  it.each(['container-a', 'container-b', 'container-c'])(
    'sends every unkeyed message of %s to its own subset while the subset serves',
    async (containerId) => {
      const fleet = fleetOf(10);
      const { publisher, sent } = publisherOver(fleet, containerId, { subsetSize: 3 });

      for (let request = 0; request < 60; request++) await publisher.publish(tasks, unkeyed(5));

      const used = new Set(sent.map((attempt) => attempt.node));
      expect(used).toEqual(new Set(ids(brokerSubset(containerId, fleet, 3).members)));
    },
  );

  it('routes exactly as without a subset when the fleet is no larger than the subset', async () => {
    const routed = async (subsetSize: number) => {
      let seed = 7;
      const random = () => {
        seed = (seed * 48_271) % 2_147_483_647;
        return seed / 2_147_483_647;
      };
      const { publisher, sent } = publisherOver(
        fleetOf(3),
        'container-a',
        { subsetSize },
        undefined,
        random,
      );
      const nodes: string[] = [];
      for (let request = 0; request < 30; request++) {
        const results = await publisher.publish(tasks, [
          ...unkeyed(5),
          { id: 'keyed', body: 'keyed', key: 'customer-7' },
        ]);
        nodes.push(...nodesOf(results));
      }
      return { sent, nodes };
    };

    const without = await routed(0);

    expect(await routed(6)).toEqual(without);
    expect(await routed(3)).toEqual(without);
    expect(new Set(without.nodes)).toEqual(new Set(['b1', 'b2', 'b3']));
  });

  it('moves a message its failing members did not confirm to the next broker by score, in the same request', async () => {
    const fleet = fleetOf(10);
    const ranked = ids(brokerSubset('container-a', fleet, 10).members);
    const dead = new Set(ranked.slice(0, 2));
    const pool = scriptedPool((target) => (dead.has(target.id) ? closed : { ok: true }));
    const { publisher, sent } = publisherOver(fleet, 'container-a', { subsetSize: 2 }, pool);

    const first = await publisher.publish(tasks, unkeyed(20));

    expect(first.map((result) => result.status)).toEqual(Array(20).fill('accepted'));
    expect(new Set(nodesOf(first))).toEqual(new Set([ranked[2]]));
    // Both members now ejected: the subset is the next two by score, at once.
    sent.splice(0);
    for (let request = 0; request < 30; request++) {
      const second = await publisher.publish(tasks, unkeyed(5));
      expect(second.every((result) => result.status === 'accepted')).toBe(true);
    }
    expect(new Set(sent.map((attempt) => attempt.node))).toEqual(new Set(ranked.slice(2, 4)));
  });

  it('tries every active broker in panic mode, past its subset and the healthy brokers', async () => {
    const unhealthy = (id: string): BrokerNode => ({
      ...healthy(id),
      health: { state: 'unhealthy', since: '2026-11-26T11:00:00.000Z', reason: 'refused' },
    });
    // 4 of 10 eligible: panic.
    const fleet = [...fleetOf(4), ...['b5', 'b6', 'b7', 'b8', 'b9', 'b10'].map(unhealthy)];
    const pool = scriptedPool((target) => (target.id === 'b10' ? { ok: true } : closed));
    const { publisher, sent } = publisherOver(fleet, 'container-a', { subsetSize: 1 }, pool);

    const [result] = await publisher.publish(tasks, [{ id: 'm', body: 1 }]);

    expect(result).toMatchObject({ status: 'accepted', node: 'b10' });
    expect(new Set(sent.map((attempt) => attempt.node))).toEqual(new Set(ids(fleet)));
  });

  it('sends a keyed message to the same broker from containers with different subsets', async () => {
    const fleet = fleetOf(20);
    const messages = Array.from({ length: 40 }, (_, i) => ({ body: i, key: `customer-${i}` }));
    const routed = async (containerId: string) =>
      nodesOf(
        await publisherOver(fleet, containerId, { subsetSize: 2 }).publisher.publish(
          tasks,
          messages,
        ),
      );

    const fromA = await routed('container-a');

    expect(await routed('container-b')).toEqual(fromA);
    expect(new Set(fromA).size).toBeGreaterThan(10);
  });

  it('holds the copies a message needs, in distinct zones, widening past a one-zone subset', async () => {
    const zones = ['a', 'b', 'c'];
    const fleet = fleetOf(12).map((node, i) => ({ ...node, az: zones[i % 3] }));
    // This container's two best brokers share a zone: the second copy must leave the subset.
    const containerId =
      Array.from({ length: 200 }, (_, i) => `container-${i}`).find((id) => {
        const [first, second] = brokerSubset(id, fleet, 2).members;
        return first?.az === second?.az;
      }) ?? '';
    const { publisher } = publisherOver(fleet, containerId, { subsetSize: 1, replicas: 2 });

    const results = await publisher.publish(tasks, unkeyed(30));

    const ranked = brokerSubset(containerId, fleet, 12).members;
    const [first, second] = ranked;
    const otherZone = ranked.find((node) => node.az !== first?.az);
    expect(containerId).not.toBe('');
    for (const result of results) {
      expect(result.status).toBe('accepted');
      const held = result.status === 'accepted' ? result.nodes : [];
      expect(held).toHaveLength(2);
      expect(new Set(held.map((id) => fleet.find((node) => node.id === id)?.az)).size).toBe(2);
      expect([first?.id, second?.id, otherZone?.id]).toEqual(expect.arrayContaining([...held]));
    }
  });

  it.each([-1, 1.5, Number.NaN])('refuses a subset size of %s', (subsetSize) => {
    expect(() => publisherOver(fleetOf(3), 'container-a', { subsetSize })).toThrow(RangeError);
  });
});
