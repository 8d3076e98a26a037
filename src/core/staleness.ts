import type { BrokerNode } from './broker-node.js';

/** Readers call a broker's health stale once the prober has missed this many intervals. */
export const STALE_AFTER_INTERVALS = 3;

/**
 * The prober rewrites an unchanged broker once its last probe is this many
 * intervals old: every second round in practice, so a running prober keeps
 * every broker's last probe under about 2 intervals, well inside the 3 that
 * make it stale.
 */
export const REFRESH_AFTER_INTERVALS = 1.5;

/**
 * Whether a broker's health is too old to trust. A broker never probed is
 * judged from its registration time, so a registry whose prober never ran
 * turns stale too.
 *
 * @example isStale(node, Date.parse('2026-01-01T00:00:10Z'), 2_000) // true when probed before 00:00:04
 */
export function isStale(node: BrokerNode, nowMs: number, probeIntervalMs: number): boolean {
  const reference = Date.parse(node.lastProbeAt ?? node.registeredAt);
  if (Number.isNaN(reference)) return true;
  return nowMs - reference > STALE_AFTER_INTERVALS * probeIntervalMs;
}
