import {
  DEFAULT_HEALTH_WRITES_PER_SECOND,
  DEFAULT_PROBE_CONCURRENCY,
} from '../prober/probe-round.js';
import {
  DEFAULT_INVOCATION_ROUNDS,
  DEFAULT_PROBE_INTERVAL_MS,
} from '../prober/prober-invocation.js';

/** Everything that tunes a prober service; every default is written here, once. */
export interface ProberSettings {
  /** Start-to-start time between rounds; readers call a broker stale after three. Default 15 000 ms. */
  readonly probeIntervalMs: number;
  /** Rounds per scheduled invocation (the Lambda), started `probeIntervalMs` apart. Default 4: a one-minute schedule. */
  readonly probeRounds: number;
  /**
   * Overrides every probe stage's timeout. Default: the per-stage defaults
   * (TCP 1 s, AMQP open 2 s, publish 2 s, management API 2 s).
   */
  readonly probeTimeoutMs?: number;
  /** PEM CA certificate(s) for amqps:// brokers and their https:// management API. Default: Node's public roots. */
  readonly caCertPem?: string;
  /** Probes in flight at once (each holds a socket or two). Default 250. */
  readonly probeConcurrency: number;
  /** Health writes started a second, transitions first (one write unit each). Default 300. */
  readonly healthWritesPerSecond: number;
}

export const DEFAULT_PROBER_SETTINGS: ProberSettings = {
  probeIntervalMs: DEFAULT_PROBE_INTERVAL_MS,
  probeRounds: DEFAULT_INVOCATION_ROUNDS,
  probeConcurrency: DEFAULT_PROBE_CONCURRENCY,
  healthWritesPerSecond: DEFAULT_HEALTH_WRITES_PER_SECOND,
};

/**
 * The most each broker's probe is delayed at a round's start, so probes do not
 * arrive in lockstep: a tenth of the interval, at most one second.
 */
export function probeJitterMs(settings: Pick<ProberSettings, 'probeIntervalMs'>): number {
  return Math.min(1_000, settings.probeIntervalMs / 10);
}
