import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { brokerSubset, rankBrokers, withSubset } from '../../src/core/broker-subset.js';
import { type CandidateSet, rendezvousScore } from '../../src/core/node-selection.js';
import { uuidV7 } from '../../src/core/uuid-v7.js';
import { brokerNode } from '../support/broker-node.js';

const brokers = (count: number) => Array.from({ length: count }, (_, i) => brokerNode(`b${i + 1}`));
const ids = (nodes: readonly { id: string }[]) => nodes.map((node) => node.id);
const rankFor = (containerId: string) => (nodes: readonly BrokerNode[]) =>
  rankBrokers(containerId, nodes);

/** Container ids as two families: names, and UUIDs as a container draws them (here from a fixed seed). */
const idFamilies: [string, (count: number) => string[]][] = [
  ['names', (count) => Array.from({ length: count }, (_, i) => `container-${i}`)],
  [
    'UUIDs',
    (count) => {
      let seed = 0x2545f491;
      const bytes = () =>
        Uint8Array.from({ length: 10 }, () => {
          seed ^= seed << 13;
          seed ^= seed >>> 17;
          seed ^= seed << 5;
          return seed & 0xff;
        });
      return Array.from({ length: count }, (_, i) => uuidV7(1_765_000_000_000 + i, bytes()));
    },
  ],
];

describe('brokerSubset', () => {
  it.each([
    ['a subset smaller than the fleet', 10, 3, 3],
    ['a subset as large as the fleet', 3, 3, 3],
    ['a subset larger than the fleet', 3, 6, 3],
    ['no subset', 5, 0, 0],
  ])('takes the highest-scoring brokers for %s', (_, fleetSize, size, expected) => {
    const fleet = brokers(fleetSize);
    const byScore = [...ids(fleet)].sort(
      (a, b) => rendezvousScore('container-1', b) - rendezvousScore('container-1', a),
    );

    const subset = brokerSubset('container-1', fleet, size);

    expect(ids(subset.members)).toEqual(byScore.slice(0, expected));
    expect(ids(subset.rest)).toEqual(byScore.slice(expected));
  });

  it('gives the same subset whatever order the registry lists the brokers in', () => {
    const fleet = brokers(20);
    const reversed = [...fleet].reverse();

    for (const id of idFamilies[0]?.[1](200) ?? []) {
      expect(ids(brokerSubset(id, reversed, 6).members)).toEqual(
        ids(brokerSubset(id, fleet, 6).members),
      );
    }
  });

  it.each(idFamilies)(
    'changes at most one member when a broker leaves or joins (%s)',
    (_, containerIds) => {
      const fleet = brokers(20);
      const joined = [...fleet, brokerNode('b21')];
      for (const id of containerIds(500)) {
        const before = ids(brokerSubset(id, fleet, 6).members);
        for (const leaving of fleet) {
          const after = ids(
            brokerSubset(
              id,
              fleet.filter((node) => node !== leaving),
              6,
            ).members,
          );
          expect(after.filter((member) => !before.includes(member)).length).toBe(
            before.includes(leaving.id) ? 1 : 0,
          );
        }
        const afterJoin = ids(brokerSubset(id, joined, 6).members);
        expect(afterJoin.filter((member) => !before.includes(member)).length).toBeLessThanOrEqual(
          1,
        );
      }
    },
  );

  it.each(idFamilies)(
    'spreads 10 000 containers evenly over 100 brokers, each broker in at most a tenth of the subsets (%s)',
    (_, containerIds) => {
      const fleet = brokers(100);
      const perBroker = new Map(fleet.map((node) => [node.id, 0]));
      for (const id of containerIds(10_000)) {
        for (const member of brokerSubset(id, fleet, 6).members)
          perBroker.set(member.id, (perBroker.get(member.id) ?? 0) + 1);
      }
      const counts = [...perBroker.values()];
      const mean = 600; // 10 000 containers × 6 members / 100 brokers

      expect(Math.max(...counts)).toBeLessThanOrEqual(1.3 * mean);
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(0.7 * mean);
      expect(Math.max(...counts)).toBeLessThanOrEqual(1_000);
    },
  );

  it('gives different containers different subsets', () => {
    const fleet = brokers(100);
    const subsets = new Set(
      (idFamilies[0]?.[1](100) ?? []).map((id) =>
        ids(brokerSubset(id, fleet, 6).members).join(','),
      ),
    );

    expect(subsets.size).toBe(100);
  });
});

describe('withSubset', () => {
  const candidates = (preferred: number, fallback = 0): CandidateSet => ({
    preferred: brokers(preferred),
    fallback: Array.from({ length: fallback }, (_, i) => brokerNode(`f${i + 1}`)),
    panic: false,
  });

  it.each([
    ['subsetting is off (size 0)', candidates(10), 0, 1],
    ['the subset would hold every preferred broker', candidates(6, 4), 6, 1],
    ['the subset would hold more than the preferred brokers', candidates(3), 6, 1],
    ['the copies need every preferred broker', candidates(3), 2, 3],
    ['no broker is preferred', candidates(0, 5), 2, 1],
  ])('leaves the candidates as they are when %s', (_, input, size, copies) => {
    expect(withSubset(input, rankFor('container-1'), size, copies)).toBe(input);
  });

  it('takes the subset among the preferred brokers only, leaving the fallback as it was', () => {
    const input = candidates(10, 3);

    const { subset, preferred, fallback } = withSubset(input, rankFor('container-1'), 4, 1);

    expect(subset?.members).toEqual(brokerSubset('container-1', input.preferred, 4).members);
    expect([...(subset?.members ?? []), ...(subset?.rest ?? [])]).toHaveLength(10);
    expect([preferred, fallback]).toEqual([input.preferred, input.fallback]);
  });

  it.each([
    [1, 1, 1],
    [1, 3, 3],
    [6, 2, 6],
  ])(
    'holds at least the copies a message needs (size %i, copies %i: %i members)',
    (size, copies, members) => {
      expect(
        withSubset(candidates(10), rankFor('container-1'), size, copies).subset?.members,
      ).toHaveLength(members);
    },
  );

  it('replaces a member that is no longer preferred by the next broker by score', () => {
    const input = candidates(10);
    const before = withSubset(input, rankFor('container-1'), 3, 1).subset;
    const gone = before?.members[0] as BrokerNode;

    const after = withSubset(
      { ...input, preferred: input.preferred.filter((node) => node !== gone) },
      rankFor('container-1'),
      3,
      1,
    ).subset;

    expect(ids(after?.members ?? [])).toEqual([
      ...ids(before?.members.slice(1) ?? []),
      before?.rest[0]?.id,
    ]);
  });
});
