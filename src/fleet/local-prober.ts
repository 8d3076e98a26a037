import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { REFRESH_AFTER_INTERVALS } from '../core/staleness.js';
import { DEFAULT_PROBE_OPTIONS, probeBroker } from '../prober/probe-broker.js';
import { type ProberLoop, startProberLoop } from '../prober/prober-loop.js';
import type { HealthRegistry } from '../registry/health-registry.js';
import type { FleetEventListener } from './fleet-events.js';

/**
 * The local fleet's prober: the Lambda's probe code in a loop every
 * `intervalMs`, reporting each health change and suspicious round as fleet events.
 */
export function startLocalProber(options: {
  readonly registry: HealthRegistry;
  readonly intervalMs: number;
  readonly credentialsFor: (id: string) => AmqpCredentials;
  readonly onEvent: FleetEventListener;
}): ProberLoop {
  const { registry, intervalMs, onEvent } = options;
  return startProberLoop({
    registry,
    holder: `warren-dev-${process.pid}`,
    intervalMs,
    refreshAfterMs: REFRESH_AFTER_INTERVALS * intervalMs,
    jitterMs: Math.min(250, intervalMs / 10),
    probe: (target) =>
      probeBroker(target, {
        ...DEFAULT_PROBE_OPTIONS,
        credentials: options.credentialsFor(target.id),
      }),
    onRound: (summary) => {
      if (summary.suspectProberNetwork) onEvent({ type: 'prober-suspects-own-network' });
      for (const { id, from, to } of summary.transitions) {
        const outcome = summary.outcomes[id];
        const reason = outcome && 'reason' in outcome ? outcome.reason : undefined;
        onEvent({ type: 'health-changed', id, from, to, ...(reason && { reason }) });
      }
    },
    onError: (error) => onEvent({ type: 'prober-error', reason: (error as Error).message }),
  });
}
