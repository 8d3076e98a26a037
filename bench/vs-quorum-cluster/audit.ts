/**
 * After a scenario: what every broker (or the cluster) held, against what the
 * publishers were told was confirmed. Pure: data in, figures out.
 */
import type { Delivery } from './batch-outcome.js';

/** One message read back from one node. */
export interface Found {
  readonly id: string;
  /** The broker it was read from ('cluster' for the quorum queue). */
  readonly node: string;
  /** How many copies the message says it has (`x-warren-replicas`, 1 when absent). */
  readonly copies: number;
}

export interface Audit {
  readonly confirmed: number;
  /** Messages read back in all, copies included. */
  readonly found: number;
  /** Confirmed, and found nowhere. */
  readonly lost: number;
  /** Confirmed and found, but absent from a node that confirmed a copy. */
  readonly missingCopies: number;
  /** Ids read back more times than they have copies; `extra` is how many reads too many. */
  readonly duplicates: number;
  readonly extra: number;
  /** Read back but never confirmed to a publisher (given up, or in flight at the end). */
  readonly unconfirmedFound: number;
}

/**
 * @example auditDeliveries([{ id: 'a', nodes: ['b1', 'b2'] }], [{ id: 'a', node: 'b1', copies: 2 }, { id: 'a', node: 'b2', copies: 2 }]).duplicates // 0
 */
export function auditDeliveries(confirmed: readonly Delivery[], found: readonly Found[]): Audit {
  const seen = new Map<string, { reads: number; nodes: Set<string>; copies: number }>();
  for (const message of found) {
    const entry = seen.get(message.id) ?? { reads: 0, nodes: new Set(), copies: 1 };
    entry.reads += 1;
    entry.nodes.add(message.node);
    entry.copies = Math.max(entry.copies, message.copies);
    seen.set(message.id, entry);
  }
  const promised = new Map(confirmed.map((delivery) => [delivery.id, new Set(delivery.nodes)]));
  let lost = 0;
  let missingCopies = 0;
  for (const [id, nodes] of promised) {
    const entry = seen.get(id);
    if (!entry) lost += 1;
    else if ([...nodes].some((node) => !entry.nodes.has(node))) missingCopies += 1;
  }
  let duplicates = 0;
  let extra = 0;
  let unconfirmedFound = 0;
  for (const [id, entry] of seen) {
    const copies = promised.get(id)?.size ?? entry.copies;
    if (entry.reads > copies) {
      duplicates += 1;
      extra += entry.reads - copies;
    }
    if (!promised.has(id)) unconfirmedFound += 1;
  }
  return {
    confirmed: promised.size,
    found: found.length,
    lost,
    missingCopies,
    duplicates,
    extra,
    unconfirmedFound,
  };
}

/**
 * The longest stretch of `[startMs, endMs]` with no confirm in it, and where it
 * began (relative to `startMs`).
 *
 * @example longestPause([2, 3, 9], 0, 10) // { pauseMs: 6, fromMs: 3 }
 */
export function longestPause(
  confirmsAtMs: readonly number[],
  startMs: number,
  endMs: number,
): { pauseMs: number; fromMs: number } {
  const inside = confirmsAtMs.filter((t) => t >= startMs && t <= endMs).sort((a, b) => a - b);
  const times = [startMs, ...inside, endMs];
  let best = { pauseMs: 0, fromMs: 0 };
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] as number) - (times[i - 1] as number);
    if (gap > best.pauseMs) best = { pauseMs: gap, fromMs: (times[i - 1] as number) - startMs };
  }
  return best;
}
