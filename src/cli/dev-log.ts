import type { FleetEvent } from '../fleet/fleet-events.js';
import type { Paint } from './ansi-style.js';
import { createFlapSummariser, type DevLogEntry } from './flap-summariser.js';
import { renderFlapSummary, renderFleetEvent } from './render-fleet-event.js';

/** What `warren dev` itself reports around the fleet's events. */
export type DevLogNote =
  | {
      readonly type: 'fleet-starting';
      readonly brokers: number;
      /** True with --brokers: brokers someone else runs, none started. */
      readonly existing: boolean;
      readonly dataDir: string;
      readonly replicas: number;
    }
  | {
      readonly type: 'fleet-ready';
      readonly apiUrl: string;
      readonly readyMs: number;
      readonly brokers: readonly string[];
    }
  | { readonly type: 'fleet-stopped' }
  | { readonly type: 'fleet-exiting'; readonly signal: string };

export interface DevLog {
  note(note: DevLogNote): void;
  event(event: FleetEvent): void;
  /** Prints the flap summaries due by now; call it every second or so. */
  tick(): void;
}

/**
 * The `warren dev` log: text lines (coloured by `paint`, flaps summarised by
 * createFlapSummariser) or, with `json`, one JSON object per note and event,
 * each with its `time`, none summarised.
 *
 * @example const log = createDevLog({ json: false, paint, out: console.log, nowMs: Date.now });
 */
export function createDevLog(options: {
  readonly json: boolean;
  readonly paint: Paint;
  readonly out: (line: string) => void;
  readonly nowMs: () => number;
}): DevLog {
  const { paint, out, nowMs } = options;
  if (options.json) {
    const write = (item: DevLogNote | FleetEvent) =>
      out(JSON.stringify({ time: new Date(nowMs()).toISOString(), ...item }));
    return { note: write, event: write, tick: () => undefined };
  }
  const flaps = createFlapSummariser();
  const print = (entry: DevLogEntry) => {
    const text =
      entry.type === 'health-flapped'
        ? renderFlapSummary(entry, paint)
        : renderFleetEvent(entry, paint);
    if (text !== undefined) out(text);
  };
  return {
    note: (note) => {
      for (const text of renderNote(note)) out(text);
    },
    event: (event) => {
      for (const entry of flaps.observe(event, nowMs())) print(entry);
    },
    tick: () => {
      for (const summary of flaps.due(nowMs())) print(summary);
    },
  };
}

function renderNote(note: DevLogNote): string[] {
  switch (note.type) {
    case 'fleet-starting': {
      const brokers = note.existing
        ? `using ${note.brokers} existing brokers`
        : `starting ${note.brokers} RabbitMQ brokers`;
      return [
        `warren dev: ${brokers}, data in ${note.dataDir}`,
        ...(note.replicas > 1
          ? [
              `warren dev: ${note.replicas} brokers confirm each message unless a request asks otherwise`,
            ]
          : []),
      ];
    }
    case 'fleet-ready':
      return [
        `warren is ready in ${(note.readyMs / 1000).toFixed(1)} s: API on ${note.apiUrl} ` +
          `(${note.brokers.length} brokers: GET ${note.apiUrl}/v1/nodes). Ctrl-C stops everything.`,
      ];
    case 'fleet-stopped':
      return ['warren dev: stopped'];
    case 'fleet-exiting':
      return [`${note.signal} again: exiting without waiting for brokers to stop`];
    default: {
      const unexpected: never = note;
      return [String(unexpected)];
    }
  }
}
