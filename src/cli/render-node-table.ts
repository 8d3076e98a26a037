import type { HealthState } from '../core/broker-node.js';
import type { NodeView } from '../http/node-view.js';
import { HEALTH_STYLE, noPaint, type Paint } from './ansi-style.js';
import type { QueueDepth } from './queue-depths.js';

const HEADER = ['ID', 'ENDPOINT', 'HEALTH', 'ADMIN', 'LAST PROBE', 'LATENCY', ''] as const;

/**
 * Renders brokers as an aligned text table, one line per broker after a
 * header: id, endpoint, health (with its reason when not healthy), admin
 * state, last-probe age, latency and a `STALE` marker. Pure: `nowMs` is the
 * clock the ages are measured against; `paint` colours the health states (and
 * STALE) after the columns are aligned, so colour codes never skew them.
 *
 * @example
 * renderNodeTable(views, Date.now()).forEach((line) => console.log(line));
 * // ID  ENDPOINT              HEALTH   ADMIN     LAST PROBE  LATENCY
 * // b1  amqp://10.0.1.5:5672  healthy  draining  3s ago      4.2 ms
 */
export function renderNodeTable(
  views: readonly NodeView[],
  nowMs: number,
  /** With `--queue`: what each broker said about it. */
  depths?: { readonly queue: string; readonly byNode: ReadonlyMap<string, QueueDepth> },
  paint: Paint = noPaint,
): string[] {
  if (views.length === 0) return ['no brokers in the registry'];
  const header = depths ? [...HEADER.slice(0, -1), depths.queue.toUpperCase(), ''] : [...HEADER];
  const healthColumn = HEADER.indexOf('HEALTH');
  const rows = views.map((view) => [
    view.id,
    view.endpoint,
    describeHealth(view.health),
    view.admin.state,
    view.lastProbeAt === null ? 'never' : describeAge(nowMs - Date.parse(view.lastProbeAt)),
    view.latencyMs === null ? '-' : `${view.latencyMs.toFixed(1)} ms`,
    ...(depths ? [describeDepth(depths.byNode.get(view.id))] : []),
    view.stale ? 'STALE' : '',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const lastColumn = header.length - 1;
  const painted = (cell: string, column: number, row: number): string => {
    const view = views[row];
    if (view === undefined) return cell;
    if (column === healthColumn) return paint(HEALTH_STYLE[view.health.state], cell);
    return column === lastColumn && cell !== '' ? paint('yellow', cell) : cell;
  };
  return [header, ...rows].map((cells, line) =>
    cells
      .map((cell, column) => {
        const padding = ' '.repeat(Math.max(0, (widths[column] ?? 0) - cell.length));
        return `${line === 0 ? cell : painted(cell, column, line - 1)}${padding}`;
      })
      .join('  ')
      .trimEnd(),
  );
}

function describeDepth(depth: QueueDepth | undefined): string {
  switch (depth?.kind) {
    case 'depth':
      return String(depth.ready);
    case 'no-queue':
      return 'no queue';
    case 'no-answer':
    case undefined:
      return '?';
    default: {
      const unexpected: never = depth;
      return String(unexpected);
    }
  }
}

function describeHealth(health: HealthState): string {
  switch (health.state) {
    case 'initial':
    case 'healthy':
      return health.state;
    case 'degraded':
    case 'blocked':
    case 'unhealthy':
      // A reason can carry a broker's multi-line error text; one table row must stay one line.
      return `${health.state} (${health.reason.replace(/\s+/g, ' ').trim()})`;
    default: {
      const unexpected: never = health;
      return String(unexpected);
    }
  }
}

/** `3s ago`, `4m ago`, `5h ago`, `2d ago`; a probe time ahead of this clock reads `in 3s`. */
function describeAge(ageMs: number): string {
  if (Number.isNaN(ageMs)) return 'unknown';
  const seconds = Math.floor(Math.abs(ageMs) / 1000);
  const amount =
    seconds < 60
      ? `${seconds}s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)}m`
        : seconds < 48 * 3600
          ? `${Math.floor(seconds / 3600)}h`
          : `${Math.floor(seconds / 86_400)}d`;
  // Under a second ahead is clock jitter between this machine and the prober's, not news.
  return ageMs <= -1000 ? `in ${amount}` : `${amount} ago`;
}
