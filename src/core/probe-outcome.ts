/** The stages of a probe, in order; the first that fails decides the outcome. */
export const PROBE_STAGES = ['tcp', 'amqp', 'publish', 'management'] as const;
export type ProbeStage = (typeof PROBE_STAGES)[number];

/**
 * What one probe of one broker found. Probe failures are data, never throws.
 * `hard` failures (refused, authentication, alarm) act at once; `soft` ones
 * (timeouts) only after `fall` in a row.
 */
export type ProbeOutcome =
  | { readonly result: 'ok'; readonly latencyMs: number }
  /** Usable but impaired: slow confirms, or the management API did not answer. */
  | { readonly result: 'degraded'; readonly latencyMs: number; readonly reason: string }
  /** A resource alarm or `connection.blocked`: the broker accepts no publishes. */
  | { readonly result: 'blocked'; readonly stage: ProbeStage; readonly reason: string }
  | {
      readonly result: 'failed';
      readonly stage: ProbeStage;
      readonly severity: 'hard' | 'soft';
      readonly reason: string;
      /** Set when the broker refused the probe's credentials: they may have been rotated. */
      readonly cause?: 'credentials-refused';
    };
