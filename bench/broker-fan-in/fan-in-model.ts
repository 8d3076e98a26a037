/**
 * The broker fan-in model: how many publisher containers hold a connection to
 * each broker, with and without deterministic subsetting. Pure: the subsets
 * are the publisher's own (`brokerSubset`), computed for the ids given.
 *
 * Assumptions. Without subsetting, a warm container that sends unkeyed
 * messages over power of two choices uses every broker sooner or later, and
 * the pool keeps a connection to each broker it used: each broker holds one
 * connection per container (the "up to", reached under steady
 * traffic). With subsetting, a container connects to its members only, while
 * they serve. Keyed messages go where their key hashes, from every container,
 * so keyed traffic is not bounded and is left out; so are the extra
 * connections a failover or a replica in a missing zone opens.
 */
import { brokerSubset } from '../../src/core/broker-subset.js';

export interface FanInScenario {
  readonly containerIds: readonly string[];
  readonly brokerIds: readonly string[];
  readonly subsetSize: number;
}

export interface FanIn {
  readonly containers: number;
  readonly brokers: number;
  readonly subsetSize: number;
  /** Connections each broker holds without subsetting: one per container. */
  readonly without: number;
  /** Connections per broker with subsetting: containers × members / brokers on average. */
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** The busiest broker's connections as a share of `without`. */
  readonly maxShare: number;
  /** How even the spread is: the busiest broker against the mean (1 is perfectly even). */
  readonly maxOverMean: number;
  /**
   * The busiest broker leaves: every container that had it turns to its next
   * broker by score, so this many connections are opened, at most
   * `maxAfterLoss` on any one remaining broker in all.
   */
  readonly reconnects: number;
  readonly maxAfterLoss: number;
}

/**
 * Per-broker connections of `containerIds` over `brokerIds` with subsets of
 * `subsetSize` (0: none), and what the loss of the busiest broker moves.
 *
 * @example fanIn({ containerIds: ['c1', 'c2'], brokerIds: ['b1', 'b2', 'b3'], subsetSize: 1 }).max // 1 or 2
 */
export function fanIn({ containerIds, brokerIds, subsetSize }: FanInScenario): FanIn {
  const brokers = brokerIds.map((id) => ({ id }));
  const size = subsetSize <= 0 ? brokers.length : Math.min(subsetSize, brokers.length);
  const held = new Map(brokerIds.map((id) => [id, 0]));
  // Per broker, the brokers its containers would turn to were it to leave.
  const nextOf = new Map<string, string[]>(brokerIds.map((id) => [id, []]));
  for (const containerId of containerIds) {
    const ranked = brokerSubset(containerId, brokers, size + 1).members;
    const next = ranked[size]?.id;
    for (const member of ranked.slice(0, size)) {
      held.set(member.id, (held.get(member.id) ?? 0) + 1);
      if (next !== undefined) nextOf.get(member.id)?.push(next);
    }
  }
  const counts = [...held.values()];
  const max = Math.max(0, ...counts);
  const busiest = brokerIds.find((id) => held.get(id) === max);
  const after = new Map(held);
  if (busiest !== undefined) {
    after.delete(busiest);
    for (const next of nextOf.get(busiest) ?? []) after.set(next, (after.get(next) ?? 0) + 1);
  }
  const mean = brokers.length === 0 ? 0 : (containerIds.length * size) / brokers.length;
  const without = containerIds.length;
  return {
    containers: containerIds.length,
    brokers: brokers.length,
    subsetSize,
    without,
    mean,
    min: Math.min(...counts),
    max,
    maxShare: without === 0 ? 0 : max / without,
    maxOverMean: mean === 0 ? 0 : max / mean,
    reconnects: busiest === undefined ? 0 : (nextOf.get(busiest)?.length ?? 0),
    maxAfterLoss: Math.max(0, ...after.values()),
  };
}

/**
 * `count` container ids shaped as a container draws them (UUIDs), from a
 * fixed seed, so every run of the model gives the same figures.
 *
 * @example syntheticContainerIds(2) // ['3c6f…', '9a0e…'], the same every call
 */
export function syntheticContainerIds(count: number): string[] {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const hex = (value: number) => value.toString(16).padStart(8, '0');
  return Array.from({ length: count }, () => {
    const [a, b, c, d] = [hex(next()), hex(next()), hex(next()), hex(next())];
    // Version 4, variant 10, as randomUUID() gives.
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${((Number.parseInt(c[0] ?? '0', 16) & 3) | 8).toString(16)}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  });
}
