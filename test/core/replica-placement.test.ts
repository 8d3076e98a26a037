import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { nextCopyBroker, placeCopies } from '../../src/core/replica-placement.js';
import { brokerNode } from '../support/broker-node.js';

const inZone = (id: string, az?: string): BrokerNode =>
  brokerNode(id, az === undefined ? {} : { az });
const ids = (nodes: readonly BrokerNode[]) => nodes.map((node) => node.id);

describe('placeCopies', () => {
  it('takes the first brokers of the order, each once, when brokers carry no zone', () => {
    const order = [inZone('b2'), inZone('b1'), inZone('b3')];

    expect(ids(placeCopies({ order, preferredCount: 3 }, 2))).toEqual(['b2', 'b1']);
    expect(ids(placeCopies({ order, preferredCount: 3 }, 3))).toEqual(['b2', 'b1', 'b3']);
  });

  it('spreads copies over zones before it puts two in one zone', () => {
    const order = [inZone('b1', 'a'), inZone('b2', 'a'), inZone('b3', 'b'), inZone('b4', 'c')];

    expect(ids(placeCopies({ order, preferredCount: 4 }, 2))).toEqual(['b1', 'b3']);
    expect(ids(placeCopies({ order, preferredCount: 4 }, 3))).toEqual(['b1', 'b3', 'b4']);
  });

  it('puts two copies in one zone when the zones run out', () => {
    const order = [inZone('b1', 'a'), inZone('b2', 'a'), inZone('b3', 'b')];

    expect(ids(placeCopies({ order, preferredCount: 3 }, 3))).toEqual(['b1', 'b3', 'b2']);
  });

  it('prefers a healthy broker in a held zone over a fallback broker in a new one', () => {
    const order = [inZone('b1', 'a'), inZone('b2', 'a'), inZone('b3', 'b')];

    expect(ids(placeCopies({ order, preferredCount: 2 }, 2))).toEqual(['b1', 'b2']);
  });

  it('places fewer copies than asked when the order holds fewer brokers, never one broker twice', () => {
    expect(ids(placeCopies({ order: [inZone('b1')], preferredCount: 1 }, 3))).toEqual(['b1']);
    expect(placeCopies({ order: [], preferredCount: 0 }, 2)).toEqual([]);
  });
});

describe('nextCopyBroker', () => {
  const order = [inZone('b1', 'a'), inZone('b2', 'a'), inZone('b3', 'b')];

  it('skips every broker the message already used, failed ones included', () => {
    const next = nextCopyBroker({ order, preferredCount: 3 }, new Set(['b1', 'b3']), new Set());

    expect(next?.id).toBe('b2');
  });

  it('replaces a failed copy in a zone the other copies do not hold', () => {
    const next = nextCopyBroker({ order, preferredCount: 3 }, new Set(['b1']), new Set(['a']));

    expect(next?.id).toBe('b3');
  });

  it('finds nothing once every broker was used', () => {
    const used = new Set(['b1', 'b2', 'b3']);

    expect(nextCopyBroker({ order, preferredCount: 3 }, used, new Set())).toBeUndefined();
  });
});
