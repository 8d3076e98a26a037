import type { BrokerNode } from './broker-node.js';
import type { CandidateSet } from './node-selection.js';
import { rendezvousScore } from './node-selection.js';

/**
 * Brokers one publisher container sends its unkeyed messages to, by default.
 * Fleets of up to 6 brokers are left as they were (the subset is the whole
 * fleet); at 100 brokers each broker holds about 6 % of the containers'
 * connections instead of all of them. Why 6: a replicas-3 message needs 3
 * brokers, and 6 keeps power of two choices a choice after a member dies,
 * in a fleet spread over 3 zones about two brokers a zone.
 */
export const DEFAULT_SUBSET_SIZE = 6;

/** A subset this size holds the whole of any fleet the registry reads in one page (about 2 270 brokers). */
export const MAX_SUBSET_SIZE = 10_000;

/** A container's brokers: its `members`, then every other broker in the order it widens to. */
export interface BrokerSubset {
  readonly members: readonly BrokerNode[];
  /** The rest, highest score first: whom the container turns to when its members cannot serve. */
  readonly rest: readonly BrokerNode[];
}

/**
 * Every node, ranked for one container: highest rendezvous score of
 * (`containerId`, node id) first. Every container ranks the fleet in its own
 * stable order, so its first few spread evenly over the brokers, and one
 * broker joining or leaving moves no other broker's rank relative to the rest.
 *
 * @example rankBrokers('container-7', nodes).map((node) => node.id) // e.g. ['b3', 'b1', 'b2']
 */
export function rankBrokers<T extends { readonly id: string }>(
  containerId: string,
  nodes: readonly T[],
): T[] {
  return (
    nodes
      .map((node) => ({ node, score: rendezvousScore(containerId, node.id) }))
      // Ties (one in 2^53) fall back to the id, so the order never depends on the input's.
      .sort((a, b) => b.score - a.score || (a.node.id < b.node.id ? -1 : 1))
      .map((entry) => entry.node)
  );
}

/**
 * Deterministic subsetting: the `size` nodes ranking first for `containerId`
 * (see {@link rankBrokers}), and the rest in rank order. One broker joining or
 * leaving changes at most one member of any container's subset.
 *
 * @example brokerSubset('container-7', nodes, 2).members.map((node) => node.id) // e.g. ['b3', 'b1']
 */
export function brokerSubset<T extends { readonly id: string }>(
  containerId: string,
  nodes: readonly T[],
  size: number,
): { readonly members: T[]; readonly rest: T[] } {
  const ranked = rankBrokers(containerId, nodes);
  const cut = Math.max(0, Math.min(size, ranked.length));
  return { members: ranked.slice(0, cut), rest: ranked.slice(cut) };
}

/**
 * The candidates with a container's subset of the preferred brokers, for
 * unkeyed messages (see `orderForMessage`): `rank` orders the preferred
 * brokers for the container (`rankBrokers`, or a remembered ranking), and
 * is called only when a subset is taken. The subset is taken among the
 * preferred brokers only, so a member that is ejected, reported or unhealthy
 * is replaced at once by the next eligible broker by rank. It holds at least
 * `copies` brokers. `size` 0 turns subsetting off; a subset that would hold
 * every preferred broker is none, so a small fleet routes exactly as without.
 *
 * Keyed messages ignore the subset: a key must reach the same broker from
 * every container, so keyed traffic is not fan-in bounded.
 *
 * @example withSubset(selectCandidates(input), (nodes) => rankBrokers('container-7', nodes), 6, 1).subset?.members.length // 6 in a fleet of more
 */
export function withSubset(
  candidates: CandidateSet,
  rank: (nodes: readonly BrokerNode[]) => readonly BrokerNode[],
  size: number,
  copies: number,
): CandidateSet {
  if (size <= 0) return candidates;
  const subsetSize = Math.max(size, copies);
  if (subsetSize >= candidates.preferred.length) return candidates;
  const ranked = rank(candidates.preferred);
  return {
    ...candidates,
    subset: { members: ranked.slice(0, subsetSize), rest: ranked.slice(subsetSize) },
  };
}
