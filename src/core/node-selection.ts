import type { BrokerNode } from './broker-node.js';
import type { BrokerSubset } from './broker-subset.js';
import { isStale } from './staleness.js';

export interface SelectionInput {
  readonly nodes: readonly BrokerNode[];
  readonly nowMs: number;
  readonly probeIntervalMs: number;
  /** False while the registry cache serves its last known good view. */
  readonly registryReachable: boolean;
  /** Brokers this publisher saw fail (passive outlier detection), tried last. */
  readonly ejected: ReadonlySet<string>;
  /**
   * Distinct brokers each message needs (its replicas). Default 1. With more,
   * brokers the registry calls healthy or degraded but that this publisher
   * ejected, or another publisher reported, stay on as last resorts: a copy is
   * not failed for want of a broker while enough of them still work.
   */
  readonly copies?: number;
}

/**
 * The brokers a publish may use, best first. `preferred` holds the healthy
 * brokers (or, when none is, the degraded ones); `fallback` the rest that may
 * still be tried, in order.
 */
export interface CandidateSet {
  readonly preferred: readonly BrokerNode[];
  readonly fallback: readonly BrokerNode[];
  /** Too few eligible brokers, or no trustworthy registry: every active broker is tried rather than none. */
  readonly panic: boolean;
  /**
   * This container's subset of `preferred` (see `withSubset`): unkeyed
   * messages try its members first, then the rest of `preferred` in its order.
   */
  readonly subset?: BrokerSubset;
}

const HEALTH_ORDER = { healthy: 0, degraded: 1, initial: 2, blocked: 3, unhealthy: 4 } as const;

/**
 * Which brokers to publish to. Only admin-`active` brokers are ever used:
 * never a draining, maintenance or retired one. Normally the candidates are
 * the healthy brokers, spilling over to degraded ones. Panic mode (fewer than
 * half of the active brokers eligible, or the registry stale or unreachable)
 * tries every active broker instead of refusing while something might work.
 *
 * @example selectCandidates({ nodes, nowMs: Date.now(), probeIntervalMs: 15_000, registryReachable: true, ejected: new Set() })
 */
export function selectCandidates(input: SelectionInput): CandidateSet {
  const active = input.nodes.filter((node) => node.admin.state === 'active');
  const usable = (node: BrokerNode) =>
    !input.ejected.has(node.id) &&
    !hasOutlierReport(node) &&
    !isStale(node, input.nowMs, input.probeIntervalMs);
  const healthy = active.filter((node) => node.health.state === 'healthy' && usable(node));
  const degraded = active.filter((node) => node.health.state === 'degraded' && usable(node));
  const registryStale =
    active.length > 0 && active.every((node) => isStale(node, input.nowMs, input.probeIntervalMs));
  const panic =
    !input.registryReachable ||
    registryStale ||
    2 * (healthy.length + degraded.length) < active.length;

  const preferred = healthy.length > 0 ? healthy : degraded;
  const rest = active.filter((node) => !preferred.includes(node));
  // Likeliest first; this publisher's own outliers last.
  const rank = (node: BrokerNode) =>
    (input.ejected.has(node.id) ? 10 : 0) + HEALTH_ORDER[node.health.state];
  if (panic) return { preferred, fallback: [...rest].sort((a, b) => rank(a) - rank(b)), panic };
  const fallback = degraded === preferred ? [] : degraded;
  if ((input.copies ?? 1) <= 1) return { preferred, fallback, panic };
  const setAside = rest.filter(
    (node) =>
      !fallback.includes(node) &&
      (node.health.state === 'healthy' || node.health.state === 'degraded') &&
      !isStale(node, input.nowMs, input.probeIntervalMs),
  );
  return {
    preferred,
    fallback: [...fallback, ...setAside.sort((a, b) => rank(a) - rank(b))],
    panic,
  };
}

/** A publisher reported this broker failing after its last probe: trust the report until the prober looks again. */
export function hasOutlierReport(node: BrokerNode): boolean {
  if (!node.outlierReportedAt) return false;
  return !node.lastProbeAt || Date.parse(node.outlierReportedAt) > Date.parse(node.lastProbeAt);
}

/**
 * The order in which a message tries brokers. With a `key`, rendezvous
 * hashing over the preferred brokers: a key stays on its broker while that
 * broker is healthy, and only the keys of a departed broker move. Without,
 * power of two choices on `cost` (in-flight work and latency), among the
 * container's subset when there is one, the other preferred brokers after it
 * in subset order; the publisher draws it once for all of a request's
 * unkeyed messages. Fallback brokers follow.
 */
export function orderForMessage(
  candidates: CandidateSet,
  options: {
    readonly key?: string;
    readonly cost: (node: BrokerNode) => number;
    readonly random: () => number;
  },
): BrokerNode[] {
  const { preferred, fallback, subset } = candidates;
  // Keyed messages ignore the subset: a key must reach one broker from every container.
  const choices = options.key === undefined && subset ? subset.members : preferred;
  let order: BrokerNode[];
  if (options.key !== undefined) {
    const key = options.key;
    order = [...preferred].sort((a, b) => rendezvousScore(key, b.id) - rendezvousScore(key, a.id));
  } else if (choices.length > 1) {
    const first = Math.floor(options.random() * choices.length);
    let second = Math.floor(options.random() * (choices.length - 1));
    if (second >= first) second += 1;
    const a = choices[first] as BrokerNode;
    const b = choices[second] as BrokerNode;
    const winner = options.cost(a) <= options.cost(b) ? a : b;
    order = choices
      .filter((node) => node !== winner)
      .sort((x, y) => options.cost(x) - options.cost(y));
    order.unshift(winner);
  } else order = [...choices];
  // Widening: past its members, a container takes the next brokers by its own score.
  if (choices !== preferred && subset) for (const node of subset.rest) order.push(node);
  for (const node of fallback) order.push(node);
  return order;
}

/** cyrb53: a fast 53-bit string hash with good spread, enough for rendezvous hashing. */
export function rendezvousScore(key: string, nodeId: string): number {
  const input = `${key}\u0000${nodeId}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < input.length; i++) {
    const ch = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
