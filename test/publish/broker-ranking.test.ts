import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { rankBrokers } from '../../src/core/broker-subset.js';
import { createBrokerRanking } from '../../src/publish/broker-ranking.js';
import { brokerNode } from '../support/broker-node.js';

const fleet = (ids: readonly string[], latencyMs = 1) =>
  ids.map((id) => brokerNode(id, { latencyMs }));
const ids = (nodes: readonly BrokerNode[]) => nodes.map((node) => node.id);
const twelve = Array.from({ length: 12 }, (_, i) => `b${i + 1}`);

describe('createBrokerRanking', () => {
  it.each<[string, string[][]]>([
    ['one view', [twelve]],
    ['the same brokers listed in another order', [twelve, [...twelve].reverse()]],
    ['a broker leaving, then coming back', [twelve, twelve.slice(1), twelve]],
    ['a broker replaced by another', [twelve, [...twelve.slice(1), 'b13']]],
    ['the fleet shrinking to one', [twelve, ['b4']]],
  ])('ranks as rankBrokers does, view after view: %s', (_, views) => {
    const rank = createBrokerRanking('container-1');

    for (const view of views) {
      const nodes = fleet(view);
      expect(ids(rank(nodes))).toEqual(ids(rankBrokers('container-1', nodes)));
    }
  });

  it('gives the same nodes the same ranking again, however often asked', () => {
    const rank = createBrokerRanking('container-1');
    const nodes = fleet(twelve);

    const first = ids(rank(nodes));

    expect(ids(rank([...nodes]))).toEqual(first);
    expect(ids(rank([...nodes]))).toEqual(ids(rankBrokers('container-1', nodes)));
  });

  it('returns the nodes of the view it is given, not the ones of the view it remembers', () => {
    const rank = createBrokerRanking('container-1');
    rank(fleet(twelve, 1));

    const newer = fleet(twelve, 40);

    for (const node of rank(newer)) expect(newer).toContain(node);
  });
});
