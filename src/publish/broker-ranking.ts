import type { BrokerNode } from '../core/broker-node.js';
import { rankBrokers } from '../core/broker-subset.js';

/**
 * `rankBrokers` for one container, remembering its last ranking: the
 * preferred brokers change a few times a minute at most, and ranking them
 * afresh (a hash per broker and a sort) on every publish call costs tens of
 * µs at 100 brokers and hundreds at 1 000 (BENCHMARKS.md, broker fan-in). The
 * same nodes as last time get the same answer; the same ids (a newer view)
 * keep their order; the nodes returned are always the ones given, so what a
 * call routes on (latency, health) is its own view's.
 *
 * @example const rank = createBrokerRanking(containerId); withSubset(candidates, rank, 6, 1);
 */
export function createBrokerRanking(
  containerId: string,
): (nodes: readonly BrokerNode[]) => readonly BrokerNode[] {
  let order: string[] = [];
  let ranked = new Set<string>();
  let lastNodes: readonly BrokerNode[] = [];
  let lastRanking: readonly BrokerNode[] = [];
  return (nodes) => {
    // Within one view every call is given the same nodes in the same order.
    if (nodes.length === lastNodes.length && nodes.every((node, i) => node === lastNodes[i]))
      return lastRanking;
    if (nodes.length !== ranked.size || !nodes.every((node) => ranked.has(node.id))) {
      order = rankBrokers(containerId, nodes).map((node) => node.id);
      ranked = new Set(order);
    }
    // Duplicate ids would have made the sizes differ above, so every id maps to one node.
    const byId = new Map(nodes.map((node) => [node.id, node]));
    lastNodes = [...nodes];
    lastRanking = order.map((id) => byId.get(id) as BrokerNode);
    return lastRanking;
  };
}
