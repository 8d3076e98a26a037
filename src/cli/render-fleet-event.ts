import type { FleetEvent } from '../fleet/fleet-events.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const line = (subject: string, text: string) => `${subject.padEnd(9)} ${text}`;

/** One human-readable line per fleet event, as `warren dev` prints them. */
export function renderFleetEvent(event: FleetEvent): string | undefined {
  switch (event.type) {
    case 'registry-started':
      return line('registry', `dynalite on ${event.endpoint}, table ${event.tableName}`);
    case 'broker-starting':
      return event.attempt === 1
        ? line(event.id, `starting rabbitmq-server on ${event.url}`)
        : undefined;
    case 'broker-waiting':
      return line('…', `waiting for ${event.ids.join(', ')} (${seconds(event.elapsedMs)})`);
    case 'broker-ready':
      return line(
        event.id,
        `${event.restarted ? 'restarted, ' : ''}ready in ${seconds(event.elapsedMs)}`,
      );
    case 'broker-exited':
      return line(event.id, `exited (${event.how}) after ${seconds(event.uptimeMs)} up`);
    case 'broker-restart-scheduled':
      return line(
        event.id,
        `restarting in ${seconds(event.delayMs)} with its data (restart #${event.attempt})`,
      );
    case 'broker-restart-failed':
      return line(event.id, `restart failed: ${event.reason}`);
    case 'topology-applied': {
      const { exchanges, queues, bindings } = event.summary;
      return line(
        event.id,
        `topology declared: ${exchanges} exchanges, ${queues} queues, ${bindings} bindings`,
      );
    }
    case 'nodes-registered':
      return line('registry', `registered ${event.ids.join(', ')}`);
    case 'api-listening':
      return undefined;
    case 'health-changed':
      return line(
        event.id,
        `health ${event.from} → ${event.to}${event.reason ? ` (${event.reason})` : ''}`,
      );
    case 'prober-suspects-own-network':
      return line(
        'prober',
        'every broker failed at TCP: suspecting the prober itself, health left unchanged',
      );
    case 'prober-error':
      return line('prober', `round failed: ${event.reason}`);
    case 'stopping':
      return 'stopping…';
    case 'broker-stopped':
      return line(event.id, `stopped (${event.how})`);
    default: {
      const unknown: never = event;
      return String(unknown);
    }
  }
}
