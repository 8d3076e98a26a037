import { DEFAULT_PROBE_INTERVAL_MS } from '../prober/prober-invocation.js';
import { DEFAULT_PUBLISHER_POLICY } from '../publish/create-publisher.js';
import { DEFAULT_REFRESH_TIMEOUT_MS } from '../registry/cached-fleet-view.js';
import { defaultTopology } from '../topology/load-topology.js';
import type { Topology } from '../topology/topology.js';
import { DEFAULT_PUBLISH_LIMITS, type PublishLimits } from './publish-limits.js';

/**
 * Everything that tunes a publish service. The Lambda reads it from the
 * environment (src/config.ts); the local fleet, tests and benches override
 * fields in code. Every default is written here, once.
 */
export interface PublishSettings {
  /** The prober's interval: readers call a broker stale after three without a probe. Default 15 000 ms. */
  readonly probeIntervalMs: number;
  /**
   * How long a registry snapshot is routed on before a background refresh.
   * Default half the probe interval, at most 2 000 ms: the warm path makes no
   * DynamoDB call, and what the prober writes reaches publishers within about
   * two seconds (one second in the local fleet, which probes every 2 s).
   */
  readonly cacheTtlMs?: number;
  /**
   * The staleness bound: an older snapshot is refreshed before it is used
   * (an idle container never routes on a minutes-old view). Default 5 × `cacheTtlMs`.
   */
  readonly maxStalenessMs?: number;
  /** How long a read waits for that refresh before it serves the last known good view. Default 1 000 ms. */
  readonly registryRefreshTimeoutMs: number;
  /** One request's budget, failover retries included. Default 5 000 ms. */
  readonly deadlineMs: number;
  /** One attempt on one broker: confirms not back by then count as failed. Default 1 000 ms. */
  readonly attemptTimeoutMs: number;
  /** Distinct brokers that must confirm each message, 1 to 3, when a request does not say. Default 1. */
  readonly replicas: number;
  /**
   * Brokers one publisher (a Lambda container) sends its unkeyed messages to
   * while they serve, chosen by rendezvous on its container id, so a broker
   * holds about `subsetSize` / fleet size of the containers' connections; 0
   * for every eligible broker. Default 6: fleets of up to 6 brokers route as
   * without. Keyed messages and failover still reach every broker.
   */
  readonly subsetSize: number;
  /** Default 500 messages, 256 KiB per message, 5 MiB per request. */
  readonly limits: PublishLimits;
  /** The destinations callers may publish to. Default: `tasks`, `events` and the dead-letter queue. */
  readonly topology: Topology;
  /** PEM CA certificate(s) the brokers' amqps:// certificates chain to. Default: Node's public roots. */
  readonly caCertPem?: string;
}

export const DEFAULT_PUBLISH_SETTINGS: PublishSettings = {
  probeIntervalMs: DEFAULT_PROBE_INTERVAL_MS,
  registryRefreshTimeoutMs: DEFAULT_REFRESH_TIMEOUT_MS,
  deadlineMs: DEFAULT_PUBLISHER_POLICY.deadlineMs,
  attemptTimeoutMs: DEFAULT_PUBLISHER_POLICY.attemptTimeoutMs,
  replicas: DEFAULT_PUBLISHER_POLICY.replicas,
  subsetSize: DEFAULT_PUBLISHER_POLICY.subsetSize,
  limits: DEFAULT_PUBLISH_LIMITS,
  topology: defaultTopology,
};

/** A snapshot is at most this old when routed on with the default TTL. */
const MAX_DEFAULT_CACHE_TTL_MS = 2_000;

/**
 * `overrides` over the defaults, with the cache TTL derived from the probe
 * interval when not given.
 *
 * @example resolvePublishSettings({ probeIntervalMs: 2_000 }).cacheTtlMs // 1000
 */
export function resolvePublishSettings(
  overrides: Partial<PublishSettings>,
): PublishSettings & { readonly cacheTtlMs: number } {
  const settings = { ...DEFAULT_PUBLISH_SETTINGS, ...overrides };
  const cacheTtlMs =
    settings.cacheTtlMs ?? Math.min(MAX_DEFAULT_CACHE_TTL_MS, settings.probeIntervalMs / 2);
  return { ...settings, cacheTtlMs };
}
