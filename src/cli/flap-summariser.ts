import type { HealthStateName } from '../core/broker-node.js';
import type { FleetEvent } from '../fleet/fleet-events.js';

/** Health changes of one broker between healthy and degraded that were not logged one by one. */
export interface HealthFlapped {
  readonly type: 'health-flapped';
  readonly id: string;
  /** Changes held back since the last line about this broker. */
  readonly count: number;
  /** Over how long they happened: from the window's start to the summary. */
  readonly windowMs: number;
  /** The state after the last of them, and its reason. */
  readonly to: HealthStateName;
  readonly reason?: string;
}

/** What the `warren dev` log prints: fleet events and flap summaries. */
export type DevLogEntry = FleetEvent | HealthFlapped;

export interface FlapSummariserOptions {
  /** How long one summary covers. Default 60 000 ms. */
  readonly windowMs?: number;
  /** Flaps of a quiet broker logged one by one before the rest are held back. Default 2. */
  readonly burst?: number;
}

interface Window {
  readonly startMs: number;
  shown: number;
  held: number;
  to: HealthStateName;
  reason?: string;
}

// Healthy ↔ degraded is a latency threshold crossed back and forth (a busy machine's
// confirms near 250 ms); publishers use both states, so no single change is news.
const isFlap = (change: { readonly from: HealthStateName; readonly to: HealthStateName }) =>
  [change.from, change.to].every((state) => state === 'healthy' || state === 'degraded');

/**
 * Rate-limits the health lines of the `warren dev` log. Per broker: the first
 * `burst` changes between healthy and degraded in a window are passed on;
 * later ones in that window are held back and summarised, once, when the
 * window ends (`due`); while the broker keeps flapping each following window
 * gets just its summary, and a window without any change makes the broker
 * quiet again. Any other health change (to or from unhealthy, blocked,
 * initial) is always passed on, after the summary of what it interrupts; a
 * `stopping` event comes after every pending summary. Pure: time is passed in.
 *
 * @example
 * const flaps = createFlapSummariser();
 * for (const entry of flaps.observe(event, Date.now())) print(entry);
 * setInterval(() => flaps.due(Date.now()).forEach(print), 1000);
 */
export function createFlapSummariser(options: FlapSummariserOptions = {}) {
  const windowMs = options.windowMs ?? 60_000;
  const burst = options.burst ?? 2;
  const windows = new Map<string, Window>();

  const summary = (id: string, window: Window, nowMs: number): HealthFlapped => ({
    type: 'health-flapped',
    id,
    count: window.held,
    windowMs: nowMs - window.startMs,
    to: window.to,
    ...(window.reason !== undefined && { reason: window.reason }),
  });

  const close = (nowMs: number, ended: (window: Window) => boolean): HealthFlapped[] => {
    const summaries: HealthFlapped[] = [];
    for (const [id, window] of [...windows]) {
      if (!ended(window)) continue;
      windows.delete(id);
      if (window.held === 0) continue;
      summaries.push(summary(id, window, nowMs));
      // Still flapping: the next window starts with no lines of its own to give.
      windows.set(id, { startMs: nowMs, shown: burst, held: 0, to: window.to });
    }
    return summaries;
  };

  const due = (nowMs: number) => close(nowMs, (window) => nowMs - window.startMs >= windowMs);

  return {
    /** What to log for `event`, in order: summaries it closes or interrupts, then the event unless held back. */
    observe(event: FleetEvent, nowMs: number): DevLogEntry[] {
      const entries: DevLogEntry[] = due(nowMs);
      if (event.type === 'stopping') return [...entries, ...this.flush(nowMs), event];
      if (event.type !== 'health-changed') return [...entries, event];
      const window = windows.get(event.id);
      if (!isFlap(event)) {
        windows.delete(event.id);
        if (window && window.held > 0) entries.push(summary(event.id, window, nowMs));
        return [...entries, event];
      }
      if (window === undefined) {
        windows.set(event.id, { startMs: nowMs, shown: 1, held: 0, to: event.to });
        return [...entries, event];
      }
      if (window.shown < burst) {
        window.shown += 1;
        return [...entries, event];
      }
      window.held += 1;
      window.to = event.to;
      if (event.reason === undefined) delete window.reason;
      else window.reason = event.reason;
      return entries;
    },
    /** Summaries of the windows that have ended by `nowMs`: call this every second or so. */
    due,
    /** Every pending summary now, windows ended or not (the log is about to stop). */
    flush(nowMs: number): HealthFlapped[] {
      const summaries = close(nowMs, () => true);
      windows.clear();
      return summaries;
    },
  };
}

export type FlapSummariser = ReturnType<typeof createFlapSummariser>;
