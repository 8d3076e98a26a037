import type { HealthStateName } from '../core/broker-node.js';
import type { FleetEvent } from '../fleet/fleet-events.js';
import { HEALTH_STYLE, noPaint, type Paint } from './ansi-style.js';
import type { HealthFlapped } from './flap-summariser.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const line = (subject: string, text: string) => `${subject.padEnd(9)} ${text}`;
const because = (reason: string | undefined) => (reason ? ` (${reason})` : '');
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * One human-readable line per fleet event, as `warren dev` prints them;
 * undefined for an event it leaves out. `paint` colours health states and failures.
 *
 * @example renderFleetEvent({ type: 'broker-ready', id: 'b1', elapsedMs: 4210, restarted: false }) // 'b1        ready in 4.2 s'
 */
export function renderFleetEvent(event: FleetEvent, paint: Paint = noPaint): string | undefined {
  const health = (state: HealthStateName) => paint(HEALTH_STYLE[state], state);
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
      return line(
        event.id,
        `${paint('red', `exited (${event.how})`)} after ${seconds(event.uptimeMs)} up`,
      );
    case 'broker-restart-scheduled':
      return line(
        event.id,
        `restarting in ${seconds(event.delayMs)} with its data (restart #${event.attempt})`,
      );
    case 'broker-restart-failed':
      return line(event.id, paint('red', `restart failed: ${event.reason}`));
    case 'topology-applied': {
      const { exchanges, queues, bindings, converted, kept } = event.summary;
      const notes = [
        ...converted.map((q) => `queue ${q.queue} converted from ${q.from} to ${q.to}`),
        ...kept.map((q) =>
          paint(
            'yellow',
            `queue ${q.queue} kept as ${q.from} (${count(q.messages, 'message')}, ${count(q.consumers, 'consumer')}): ${q.to} at a start once empty`,
          ),
        ),
      ];
      return line(
        event.id,
        [`topology declared: ${exchanges} exchanges, ${queues} queues, ${bindings} bindings`]
          .concat(notes)
          .join('; '),
      );
    }
    case 'nodes-registered':
      return line('registry', `registered ${event.ids.join(', ')}`);
    case 'api-listening':
      return undefined;
    case 'health-changed':
      return line(
        event.id,
        `health ${health(event.from)} → ${health(event.to)}${because(event.reason)}`,
      );
    case 'prober-suspects-own-network':
      return line(
        'prober',
        paint(
          'yellow',
          'every broker failed at TCP: suspecting the prober itself, health left unchanged',
        ),
      );
    case 'prober-error':
      return line('prober', paint('red', `round failed: ${event.reason}`));
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

/**
 * The line that stands for health changes the log held back (see createFlapSummariser).
 *
 * @example renderFlapSummary({ type: 'health-flapped', id: 'b2', count: 7, windowMs: 60_000, to: 'healthy' })
 * // 'b2        health flapped healthy ↔ degraded 7 more times in 60 s; now healthy'
 */
export function renderFlapSummary(summary: HealthFlapped, paint: Paint = noPaint): string {
  const times = summary.count === 1 ? '1 more time' : `${summary.count} more times`;
  const states = `${paint(HEALTH_STYLE.healthy, 'healthy')} ↔ ${paint(HEALTH_STYLE.degraded, 'degraded')}`;
  const now = paint(HEALTH_STYLE[summary.to], summary.to);
  return line(
    summary.id,
    `health flapped ${states} ${times} in ${Math.round(summary.windowMs / 1000)} s; now ${now}${because(summary.reason)}`,
  );
}
