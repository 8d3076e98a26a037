import { type MachineFigures, machineLine } from '../support/machine-line.js';
import { median } from '../support/measure.js';
import { BENCH_PAYLOAD as PAYLOAD } from '../support/payload.js';
import { medianOf, percentile } from '../support/samples.js';
import type { Audit } from './audit.js';
import type { LoadFigures } from './load-run.js';
import {
  ATTEMPT_TIMEOUT_MS,
  CLASSIC_QUEUE,
  FAULT_AT_MS,
  FAULT_MS,
  GIVE_UP_MS,
  LOAD_BATCH,
  LOAD_MS,
  LOAD_PUBLISHERS,
  MESSAGES,
  QUEUE,
  ROUNDS,
  STEADY_BATCH,
  STEADY_IN_FLIGHT,
} from './settings.js';
import type { SteadyRun, SteadyVariant } from './steady-run.js';
import { FAULT_NAMES, type FaultKind } from './system-under-test.js';

export interface Scenario {
  readonly kind: FaultKind;
  readonly system: string;
  readonly target: string;
  /** What recovery found, e.g. where the cluster's leader went. */
  readonly note: string | undefined;
  readonly load: LoadFigures;
  readonly audit: Audit;
}

export interface ComparisonFigures extends MachineFigures {
  /** The baseline, first of `variants`. */
  readonly cluster: SteadyVariant;
  readonly variants: readonly SteadyVariant[];
  readonly runs: Map<SteadyVariant, SteadyRun[]>;
  readonly scenarios: readonly Scenario[];
}

const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
const rule = (n: number) => row(Array.from({ length: n }, () => '---'));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

export function printComparisonReport(figures: ComparisonFigures): void {
  const { cluster, variants, runs } = figures;
  console.log(
    `## warren vs a 3-node quorum-queue cluster, ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log(machineLine(figures));
  console.log(
    `\nsettings: steady: ${ROUNDS} interleaved rounds (order rotated each round) x ${MESSAGES} ` +
      `persistent ${PAYLOAD.length} B messages, batches of ${STEADY_BATCH}, ${STEADY_IN_FLIGHT} publishers; ` +
      `cluster publishers spread over the 3 nodes (publisher w on node w mod 3); ` +
      `warren into its default ${QUEUE}, a one-member quorum queue on each broker, and, as "classic", into the classic queue ${CLASSIC_QUEUE}. ` +
      `Under load: ${LOAD_PUBLISHERS} publishers x ${LOAD_BATCH}-message batches for ${seconds(LOAD_MS)} s, ` +
      `fault ${seconds(FAULT_AT_MS)} s in, SIGSTOP and alarm held ${seconds(FAULT_MS)} s; a batch is ` +
      `retried (cluster: next node, ${ATTEMPT_TIMEOUT_MS} ms per attempt; warren: a new request) ` +
      `and given up ${seconds(GIVE_UP_MS)} s after its first attempt.`,
  );

  const rateOf = (run: SteadyRun) => run.accepted / (run.ms / 1000);
  const baseline = runs.get(cluster) ?? [];
  const perMessage = (ms: number | undefined) =>
    ms === undefined ? 'n/a' : `${Math.round((1000 * ms) / MESSAGES)}`;
  console.log('\n### Steady throughput\n');
  console.log(
    row(['Variant', 'msg/s (median)', 'vs cluster (range)', 'broker CPU µs/msg', 'samples msg/s']),
  );
  console.log(rule(5));
  for (const variant of variants) {
    const own = runs.get(variant) ?? [];
    const ratios = own.map((run, i) => rateOf(run) / rateOf(baseline[i] ?? run));
    console.log(
      row([
        variant.name,
        Math.round(median(own.map(rateOf))),
        `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
        perMessage(medianOf(own, (run) => run.brokerCpuMs)),
        own.map((run) => Math.round(rateOf(run))).join(' '),
      ]),
    );
  }
  const problems = [...runs].flatMap(([variant, list]) =>
    list.flatMap((run, i) =>
      run.timedOut || run.accepted !== MESSAGES || run.purged !== MESSAGES * variant.copies
        ? [`${variant.name} round ${i + 1}: accepted ${run.accepted}, queues held ${run.purged}`]
        : [],
    ),
  );
  console.log(
    `\ncheck: ${problems.length === 0 ? 'every run accepted every message, and the queues held each one (times its copies)' : `NOT: ${problems.join('; ')}`}`,
  );

  console.log('\n### Under load, one fault each\n');
  console.log(
    row([
      'Fault',
      'System',
      'Target',
      'Accepted',
      'Failed requests',
      'Attempts retried',
      'Longest pause',
      'Batch p50 / max',
      'Lost',
      'Missing copies',
      'Duplicates (extra)',
      'Unconfirmed found',
      'After',
    ]),
  );
  console.log(rule(13));
  for (const { kind, system, target, note, load, audit } of figures.scenarios) {
    console.log(
      row([
        FAULT_NAMES[kind],
        system,
        target,
        load.accepted,
        `${load.failedRequests} / ${load.batches}`,
        load.retriedAttempts,
        `${Math.round(load.maxPauseMs)} ms at ${seconds(load.maxPauseFromMs)} s`,
        `${Math.round(median([...load.batchMs]))} / ${Math.round(percentile([...load.batchMs], 1))} ms`,
        audit.lost,
        audit.missingCopies,
        `${audit.duplicates} (${audit.extra})`,
        audit.unconfirmedFound,
        note ?? '',
      ]),
    );
  }
  console.log(
    '\nFault timing (s into the scenario, in place → undone; load end): ' +
      figures.scenarios
        .map(
          (s) =>
            `${FAULT_NAMES[s.kind]} ${s.system} ${seconds(s.load.faultAtMs)} → ${seconds(s.load.faultDoneMs)}; ${seconds(s.load.loadMs)}`,
        )
        .join(' · '),
  );
  printSummary(figures);
}

/** The systems side by side, steady ratios first, then one row per fault: the table README quotes. */
function printSummary({ cluster, variants, runs, scenarios }: ComparisonFigures): void {
  const rateOf = (run: SteadyRun) => run.accepted / (run.ms / 1000);
  const baseline = runs.get(cluster) ?? [];
  const ratioOf = (variant: SteadyVariant) => {
    const own = runs.get(variant) ?? [];
    return median(own.map((run, i) => rateOf(run) / rateOf(baseline[i] ?? run))).toFixed(2);
  };
  const systems = [...new Set(scenarios.map((s) => s.system))];
  console.log('\n### Summary\n');
  console.log(row(['', ...systems]));
  console.log(rule(systems.length + 1));
  // A warren system `warren HTTP rN` pairs with the steady variants whose names end in rN.
  const steady = systems.map((system) => {
    const suffix = system.split(' ').at(-1) ?? '';
    const own = variants.filter((v) => v !== cluster && v.name.endsWith(` ${suffix}`));
    return own.length === 0
      ? '1.00x (baseline)'
      : own.map((v) => `${v.name.replace(/^warren | r\d$/g, '')} ${ratioOf(v)}x`).join(', ');
  });
  console.log(row(['steady msg/s vs cluster', ...steady]));
  for (const kind of [...new Set(scenarios.map((s) => s.kind))]) {
    const cells = systems.map((system) => {
      const s = scenarios.find((x) => x.kind === kind && x.system === system);
      return s
        ? `${s.load.failedRequests} / ${Math.round(s.load.maxPauseMs)} ms / ` +
            `${s.audit.lost} / ${s.audit.duplicates}`
        : 'n/a';
    });
    console.log(row([`${FAULT_NAMES[kind]}: failed / pause / lost / dup`, ...cells]));
  }
}
