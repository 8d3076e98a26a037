/** The soak's report on stdout: settings, per-fault table, failures, drain, invariants and the per-minute series. */
import type { ApiSample } from './api-sample.js';
import type { LoadFigures } from './load-record.js';
import type { MinuteFigures } from './messages.js';
import type { FaultWindow } from './nemesis.js';
import type { SoakSettings } from './settings.js';

export interface SoakReport {
  readonly machine: string;
  readonly settings: SoakSettings;
  readonly capacityPerS: number;
  readonly ratePerS: number;
  readonly batch: number;
  readonly intervalMs: number;
  readonly heapAfterGc: boolean;
  readonly startMs: number;
  readonly endMs: number;
  readonly healthyAfterMs: number | string;
  readonly windows: readonly FaultWindow[];
  readonly samples: readonly ApiSample[];
  readonly minutes: readonly MinuteFigures[];
  readonly load: LoadFigures;
  readonly connectionBound: number;
}

const s = (ms: number) => (ms / 1_000).toFixed(1);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

/**
 * Largest relative distance from the minute-2 sample (or the first quiet one
 * after it) of every quiet sample from then on. Samples taken while a fault is
 * on count requests it slows down (each holds sockets and timers), so they are
 * shown but not judged.
 */
function drift(samples: readonly ApiSample[], pick: (sample: ApiSample) => number) {
  const judged = samples.filter((sample) => sample.minute >= 2 && sample.quiet);
  const base = judged[0];
  if (!base) return undefined;
  const values = judged.map(pick);
  // A leak grows: a fall below minute 2 (fewer keep-alive sockets, a smaller heap) is shown, not judged.
  const worst = Math.max(0, ...values.map((v) => (v - pick(base)) / pick(base)));
  return {
    baseMinute: base.minute,
    base: pick(base),
    min: Math.min(...values),
    max: Math.max(...values),
    worst,
    minutes: judged.map((sample) => sample.minute),
  };
}

export function formatReport(r: SoakReport): string {
  const lines: string[] = [r.machine];
  const at = (ms: number) => `+${s(ms - r.startMs)} s`;
  lines.push(
    `settings: ${r.settings.minutes} min, a fault every ${r.settings.nemesisEveryS} s (${r.settings.faults.join(', ')}), ` +
      `3 brokers, probe interval 2 s; capacity ${r.capacityPerS.toFixed(0)} msg/s (${r.settings.capacitySeconds} s of HTTP batches of 100, 4 in flight), ` +
      `steady load ${r.ratePerS.toFixed(0)} msg/s = ${r.settings.rateShare} of it (a batch of ${r.batch} every ${r.intervalMs.toFixed(1)} ms, open loop, 1 KiB bodies, queue tasks)`,
  );
  const { load } = r;
  const failedMessages = load.messages - load.accepted;
  lines.push(
    `load: ${load.requests} requests, ${load.messages} messages, ${load.accepted} accepted, ` +
      `${failedMessages} not accepted, ${load.failedRequests.length} failed requests (capacity run included)`,
  );
  lines.push('', 'faults:');
  lines.push(
    '| fault | target | window | requests during | failed requests | failed messages | longest without an accepted publish | what happened |',
  );
  lines.push('|---|---|---|---:|---:|---:|---:|---|');
  const steady = load.periods[0];
  if (steady)
    lines.push(
      `| (none) | - | +0.0 s to first fault | ${steady.requests} | ${steady.failedRequests} | ${steady.failedMessages} | ${s(steady.longestPauseMs)} s | steady load |`,
    );
  r.windows.forEach((w, i) => {
    const p = load.periods[i + 1];
    lines.push(
      `| ${w.kind} | ${w.target} | ${at(w.startMs)} to ${at(w.undoneMs)} | ${p?.requests} | ${p?.failedRequests} | ${p?.failedMessages} | ${p ? s(p.longestPauseMs) : '?'} s | ${w.note} |`,
    );
  });
  lines.push(
    "(a fault's counts run from its start to the next fault's start, or the end of the load)",
  );
  lines.push(
    '',
    `failed requests (${load.failedRequests.length}; every one had at least one usable broker: one fault at a time among 3 brokers):`,
  );
  for (const f of load.failedRequests.slice(0, 100)) {
    const during = r.windows.filter((w) => w.startMs <= f.startMs).at(-1);
    const active =
      during && f.startMs <= during.undoneMs
        ? `${during.kind} ${during.target} active`
        : during
          ? `after ${during.kind} ${during.target}`
          : 'no fault yet';
    lines.push(
      `  ${at(f.startMs)} (${s(f.endMs - f.startMs)} s) status ${f.status}, ${active}: ${JSON.stringify(f.failures)}`,
    );
  }
  if (load.failedRequests.length > 100) lines.push(`  … ${load.failedRequests.length - 100} more`);
  const d = load.drain;
  lines.push(
    '',
    `drain (all healthy again ${typeof r.healthyAfterMs === 'number' ? `${s(r.healthyAfterMs)} s after the load` : r.healthyAfterMs}): ` +
      `${d.found} read back (${Object.entries(d.perBroker)
        .map(([id, n]) => `${id} ${n}`)
        .join(', ')}), ` +
      `${d.lost} accepted and lost${d.lost ? ` (e.g. seq ${d.lostSample.join(', ')})` : ''}, ${d.duplicates} duplicated (${d.extra} extra copies), ` +
      `${d.unacceptedFound} read back but never reported accepted, ${d.foreign} foreign`,
  );
  const heap = drift(r.samples, (x) => x.heapMb);
  const handles = drift(r.samples, (x) => x.handles - x.clientConnections);
  const total = (x: ApiSample) => Object.values(x.connections).reduce((a, b) => a + b, 0);
  const maxConnections = Math.max(0, ...r.samples.map(total));
  const violations = load.periods.reduce((sum, p) => sum + p.violations, 0);
  const flat = (name: string, f: ReturnType<typeof drift>, unit: string) =>
    f
      ? `${verdict(f.worst <= 0.1)}: ${name} at minute ${f.baseMinute} ${f.base.toFixed(1)}${unit}, ` +
        `quiet samples from then on (minutes ${f.minutes.join(', ')}) ${f.min.toFixed(1)}–${f.max.toFixed(1)}${unit}, at most ${(f.worst * 100).toFixed(1)}% above it`
      : 'not measured (no quiet sample from minute 2 on)';
  lines.push('', 'invariants:');
  lines.push(`  0 messages lost: ${verdict(d.lost === 0)} (${d.lost} of ${d.accepted} accepted)`);
  lines.push(
    `  0 failed requests while a broker is usable: ${verdict(violations === 0)} (${violations})`,
  );
  lines.push(
    `  heap of the API process never more than 10% above minute 2${r.heapAfterGc ? ' (after a full GC)' : ' (no GC before sampling)'}: ${flat('heap', heap, ' MB')}`,
  );
  lines.push(
    `  handles of the API process at rest (the fewest of a minute's readings), less the load client's keep-alive connections, never more than 10% above minute 2: ${flat('handles', handles, '')}`,
  );
  lines.push(
    `  bounded broker connections (at most ${r.connectionBound}: publisher + prober per broker): ${verdict(maxConnections <= r.connectionBound)} (max ${maxConnections})`,
  );
  lines.push(
    '',
    `per minute (API process sampled 5 s before each minute ends${r.heapAfterGc ? ', heap after a full GC' : ''}, handles the fewest of 12 readings 250 ms apart, connections the most; quiet: no fault on, none undone in the last 10 s; load figures of that minute):`,
  );
  lines.push(
    '| minute | quiet | msg/s | accepted | failed msgs | failed reqs | max latency | heap MB | handles (load client connections) | connections | handles by kind |',
  );
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|');
  r.samples.forEach((x, i) => {
    const m = r.minutes[i];
    lines.push(
      `| ${x.minute} | ${x.quiet ? 'yes' : 'no'} | ${m?.messagesPerS.toFixed(0)} | ${m?.accepted} | ${m?.failedMessages} | ${m?.failedRequests} | ${m?.maxLatencyMs} ms | ${x.heapMb.toFixed(1)} | ${x.handles} (${x.clientConnections}) | ${Object.entries(
        x.connections,
      )
        .map(([id, n]) => `${id} ${n}`)
        .join(', ')} | ${Object.entries(x.handleKinds)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')} |`,
    );
  });
  return lines.join('\n');
}
