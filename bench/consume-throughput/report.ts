import { type MachineFigures, machineLine } from '../support/machine-line.js';
import { median } from '../support/measure.js';
import { BENCH_PAYLOAD as PAYLOAD } from '../support/payload.js';
import { medianOf } from '../support/samples.js';
import type { Run } from './consume-run.js';
import { PER_BROKER, PREFETCH, QUEUE, REPS, TOTAL } from './settings.js';
import type { Variant } from './variants.js';

export interface ConsumeFigures extends MachineFigures {
  /** The baseline, the variant under test and the raw equivalent of what it does. */
  readonly rawOne: Variant;
  readonly warren: Variant;
  /** warren with a DynamoDB dedupe store: a claim and a completion write per message. */
  readonly warrenDedupe: Variant;
  readonly rawThree: Variant;
  readonly variants: readonly Variant[];
  readonly runs: Map<Variant, Run[]>;
}

export const rateOf = (run: Run) => run.seen / (run.ms / 1000);

export function printConsumeReport(figures: ConsumeFigures): void {
  const { rawOne, warren, warrenDedupe, rawThree, variants, runs } = figures;
  console.log(machineLine(figures));
  console.log(
    `settings: ${REPS} reps; ${TOTAL} persistent ${PAYLOAD.length} B JSON messages per run in "${QUEUE}" ` +
      `(${PER_BROKER} on each of 3 brokers, or all ${TOTAL} on one for the baseline, rotating); ` +
      `prefetch ${PREFETCH} per channel; no-op handler; timed from before connecting to the last message handled; ` +
      "dedupe: DynamoDbDedupeStore on a registry-schema table of the fleet's dynalite (child process), a scope per run",
  );

  /** Each repetition's rate over `base`'s rate in the same repetition. */
  const ratios = (variant: Variant, base: Variant) =>
    (runs.get(variant) ?? []).map((run, i) => {
      const other = runs.get(base)?.[i];
      return other ? rateOf(run) / rateOf(other) : Number.NaN;
    });
  const describeRatios = (list: number[]) =>
    `${median(list).toFixed(3)} (${Math.min(...list).toFixed(2)}-${Math.max(...list).toFixed(2)})`;
  const perMessage = (ms: number | undefined) =>
    ms === undefined ? 'n/a' : `${((1000 * ms) / TOTAL).toFixed(1)} µs`;
  console.log(
    '\nthroughput: msg/s median of reps (samples); first = ms to the first message, median; ' +
      'CPU per message, median (client = this process, brokers = the 3 RabbitMQ VMs); ' +
      'machine = busy share of both cores',
  );
  for (const variant of variants) {
    const own = runs.get(variant) ?? [];
    const busy = medianOf(own, (run) => run.machineBusy);
    console.log(
      `${variant.name.padEnd(34)} ${Math.round(median(own.map(rateOf)))} msg/s; ` +
        `first ${median(own.map((run) => run.firstMs)).toFixed(0)} ms; ` +
        `cpu client ${perMessage(medianOf(own, (run) => run.clientCpuMs))}, ` +
        `brokers ${perMessage(medianOf(own, (run) => run.brokerCpuMs))}; ` +
        `machine ${busy === undefined ? 'n/a' : `${Math.round(100 * busy)}%`}; ` +
        `samples ${own.map((run) => Math.round(rateOf(run))).join(' ')}`,
    );
  }
  console.log(
    '\nratios: median of per-repetition ratios (range)\n' +
      `warren / raw, 1 broker (baseline): ${describeRatios(ratios(warren, rawOne))}\n` +
      `warren / raw, 3 brokers:           ${describeRatios(ratios(warren, rawThree))}\n` +
      `warren + dedupe / warren:          ${describeRatios(ratios(warrenDedupe, warren))}\n` +
      `raw 3 brokers / raw 1 broker:      ${describeRatios(ratios(rawThree, rawOne))}`,
  );
  const problems = [...runs].flatMap(([variant, list]) =>
    list.flatMap((run, i) =>
      run.timedOut || run.seen !== TOTAL || run.left !== 0
        ? [
            `${variant.name} rep ${i + 1}: handled ${run.seen}, left in queue ${run.left}` +
              `${run.timedOut ? ', timed out' : ''}`,
          ]
        : [],
    ),
  );
  console.log(
    `check: ${problems.length === 0 ? `every run handled all ${TOTAL} messages and left ${QUEUE} empty (all acked)` : `NOT: ${problems.join('; ')}`}`,
  );
}
