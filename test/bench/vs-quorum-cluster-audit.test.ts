import { describe, expect, it } from 'vitest';
import { auditDeliveries, longestPause } from '../../bench/vs-quorum-cluster/audit.js';

const on =
  (node: string, copies = 1) =>
  (id: string) => ({ id, node, copies });

describe('auditDeliveries', () => {
  it.each([
    {
      name: 'one copy each, all found: nothing lost, no duplicates',
      confirmed: [
        { id: 'a', nodes: ['cluster'] },
        { id: 'b', nodes: ['cluster'] },
      ],
      found: ['a', 'b'].map(on('cluster')),
      expected: { lost: 0, missingCopies: 0, duplicates: 0, extra: 0, unconfirmedFound: 0 },
    },
    {
      name: 'a confirmed id found nowhere is lost',
      confirmed: [
        { id: 'a', nodes: ['b1'] },
        { id: 'b', nodes: ['b2'] },
      ],
      found: ['a'].map(on('b1')),
      expected: { lost: 1, missingCopies: 0, duplicates: 0, extra: 0, unconfirmedFound: 0 },
    },
    {
      name: 'an id read twice with one copy is a duplicate',
      confirmed: [{ id: 'a', nodes: ['b1'] }],
      found: [on('b1')('a'), on('b2')('a')],
      expected: { lost: 0, missingCopies: 0, duplicates: 1, extra: 1, unconfirmedFound: 0 },
    },
    {
      name: 'two copies of a replicas-2 message on two brokers are copies, not duplicates',
      confirmed: [{ id: 'a', nodes: ['b1', 'b3'] }],
      found: [on('b1', 2)('a'), on('b3', 2)('a')],
      expected: { lost: 0, missingCopies: 0, duplicates: 0, extra: 0, unconfirmedFound: 0 },
    },
    {
      name: 'a third copy of a replicas-2 message is a duplicate',
      confirmed: [{ id: 'a', nodes: ['b1', 'b3'] }],
      found: [on('b1', 2)('a'), on('b2', 2)('a'), on('b3', 2)('a')],
      expected: { lost: 0, missingCopies: 0, duplicates: 1, extra: 1, unconfirmedFound: 0 },
    },
    {
      name: 'a copy missing from a broker that confirmed it is a missing copy, not a loss',
      confirmed: [{ id: 'a', nodes: ['b1', 'b3'] }],
      found: [on('b1', 2)('a')],
      expected: { lost: 0, missingCopies: 1, duplicates: 0, extra: 0, unconfirmedFound: 0 },
    },
    {
      name: 'an unconfirmed message counts by the copies its header names',
      confirmed: [],
      found: [on('b1', 2)('a'), on('b2', 2)('a'), on('b1')('c'), on('b2')('c')],
      expected: { lost: 0, missingCopies: 0, duplicates: 1, extra: 1, unconfirmedFound: 2 },
    },
  ])('$name', ({ confirmed, found, expected }) => {
    expect(auditDeliveries(confirmed, found)).toEqual({
      confirmed: confirmed.length,
      found: found.length,
      ...expected,
    });
  });
});

describe('longestPause', () => {
  it.each([
    { confirms: [2, 3, 9], expected: { pauseMs: 6, fromMs: 3 } },
    { confirms: [], expected: { pauseMs: 10, fromMs: 0 } },
    { confirms: [1, 2, 3], expected: { pauseMs: 7, fromMs: 3 } },
    { confirms: [9, 5, 1, 12], expected: { pauseMs: 4, fromMs: 1 } },
  ])('finds the longest gap in $confirms over 0..10', ({ confirms, expected }) => {
    expect(longestPause(confirms, 0, 10)).toEqual(expected);
  });
});
