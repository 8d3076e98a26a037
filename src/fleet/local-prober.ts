import type { ProberLoop } from '../prober/prober-loop.js';
import type { ProberService } from '../service/create-prober-service.js';
import type { FleetEventListener } from './fleet-events.js';

/**
 * The local fleet's prober: the Lambda's prober service in a loop every
 * probe interval, reporting each health change and suspicious round as fleet events.
 */
export function startLocalProber(prober: ProberService, onEvent: FleetEventListener): ProberLoop {
  return prober.start({
    holder: `warren-dev-${process.pid}`,
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
