import type { BrokerNode } from './broker-node.js';

/**
 * Where one message's copies go, given its broker order (see
 * `orderForMessage`): the first `preferredCount` brokers of `order` are the
 * preferred ones, the rest fallbacks.
 */
export interface CopyOrder {
  readonly order: readonly BrokerNode[];
  readonly preferredCount: number;
}

/**
 * The broker for a copy: the first broker of the order not yet `used` by this
 * message (never two copies on one broker), preferring a preferred broker in
 * a zone that no other live copy holds. Brokers without a zone count as a
 * zone of their own. `undefined` when every broker has been used.
 *
 * Zone preference stops at the preferred brokers: a fallback (degraded,
 * ejected) broker in a new zone is not worth a copy a healthy broker would
 * confirm.
 *
 * @example nextCopyBroker({ order: [b1a, b2a, b3b], preferredCount: 3 }, new Set(['b1']), new Set(['a'])) // b3b
 */
export function nextCopyBroker(
  copies: CopyOrder,
  used: ReadonlySet<string>,
  heldZones: ReadonlySet<string>,
): BrokerNode | undefined {
  let first: BrokerNode | undefined;
  for (let i = 0; i < copies.order.length; i++) {
    const node = copies.order[i] as BrokerNode;
    if (used.has(node.id)) continue;
    first ??= node;
    if (i >= copies.preferredCount) break;
    if (node.az === undefined || !heldZones.has(node.az)) return node;
  }
  return first;
}

/**
 * The brokers of a message's first `replicas` copies, distinct, zones spread
 * as {@link nextCopyBroker} prefers. Keyed messages have a fixed order, so
 * their copies go to the key's top brokers: per-key order holds on each.
 * Fewer than `replicas` brokers when the order has fewer.
 *
 * @example placeCopies({ order: [b1, b2, b3], preferredCount: 3 }, 2) // [b1, b2]
 */
export function placeCopies(copies: CopyOrder, replicas: number): BrokerNode[] {
  // One copy goes to the first broker of the order: what the loop below gives, without its sets.
  if (replicas === 1) return copies.order.length > 0 ? [copies.order[0] as BrokerNode] : [];
  const placed: BrokerNode[] = [];
  const used = new Set<string>();
  const zones = new Set<string>();
  while (placed.length < replicas) {
    const node = nextCopyBroker(copies, used, zones);
    if (!node) break;
    placed.push(node);
    used.add(node.id);
    if (node.az !== undefined) zones.add(node.az);
  }
  return placed;
}
