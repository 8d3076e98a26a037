import { type MachineFigures, machineLine } from '../support/machine-line.js';
import { median } from '../support/measure.js';
import { BENCH_PAYLOAD as PAYLOAD } from '../support/payload.js';
import { medianOf, percentile } from '../support/samples.js';
import { shares, tally } from './broker-counts.js';
import {
  BATCH,
  FLEET_MODE,
  IN_FLIGHT,
  LATENCY_SAMPLES,
  MESSAGES,
  QUEUE,
  REPS,
} from './settings.js';
import type { Run } from './throughput-run.js';
import { type LatencyProbe, replicasSuffix, type Variant } from './variants.js';

export interface PublishFigures extends MachineFigures {
  /** The baseline; also the first of `variants`. */
  readonly raw: Variant;
  /** raw amqplib doing what any correct publisher must (fair-raw-variant.ts). */
  readonly fair: Variant;
  readonly variants: readonly Variant[];
  readonly probes: readonly LatencyProbe[];
  readonly runs: Map<Variant, Run[]>;
  readonly latencies: Map<LatencyProbe, number[]>;
  /** Each variant's samples by the broker that took the message. */
  readonly byBroker: Map<LatencyProbe, Map<string, number[]>>;
  /** Messages the raw connections got back as unroutable. */
  readonly returned: number;
}

export function printPublishReport(figures: PublishFigures): void {
  const { raw, fair, variants, probes, runs, latencies, byBroker } = figures;
  console.log(machineLine(figures));
  console.log(
    `settings: fleet ${FLEET_MODE}; ${REPS} reps x ${MESSAGES} messages of ${PAYLOAD.length} B, ` +
      `persistent, to "${QUEUE}"; batches of ${BATCH}, ${IN_FLIGHT} in flight; ` +
      `latency: ${LATENCY_SAMPLES} sequential single messages per variant`,
  );

  const baseline = runs.get(raw) ?? [];
  const rateOf = (run: Run) => MESSAGES / (run.ms / 1000);
  /** Each repetition's rate over the raw rate of the same repetition. */
  const ratiosOf = (variant: Variant) =>
    (runs.get(variant) ?? []).map((run, i) => rateOf(run) / rateOf(baseline[i] ?? run));
  const perMessage = (ms: number | undefined) =>
    ms === undefined ? 'n/a' : `${((1000 * ms) / MESSAGES).toFixed(1)} µs`;
  const percent = (share: number | undefined) =>
    share === undefined ? 'n/a' : `${Math.round(100 * share)}%`;
  console.log(
    '\nthroughput: msg/s median of reps; ratio = median of per-rep ratios to raw (range); ' +
      "CPU per message, median (client = this process, api = the HTTP API's own process, " +
      'brokers = the 3 RabbitMQ VMs); machine = busy share of both cores (of which stolen)',
  );
  for (const variant of variants) {
    const own = runs.get(variant) ?? [];
    const ratios = ratiosOf(variant);
    const brokers = new Map<string, number>();
    for (const run of own) for (const [id, n] of run.brokers) tally(brokers, id, n);
    console.log(
      `${variant.name.padEnd(20)} ${Math.round(median(own.map(rateOf)))} msg/s, ` +
        `ratio ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}), ` +
        `cpu client ${perMessage(medianOf(own, (run) => run.clientCpuMs))} ` +
        `api ${perMessage(medianOf(own, (run) => run.hostCpuMs))} ` +
        `brokers ${perMessage(medianOf(own, (run) => run.brokerCpuMs))}; ` +
        `machine ${percent(medianOf(own, (run) => run.machineBusy))} ` +
        `(${percent(medianOf(own, (run) => run.machineSteal))}); ` +
        `brokers ${shares(brokers)}; samples ${own.map((run) => Math.round(rateOf(run))).join(' ')}`,
    );
  }
  const problems = [...runs].flatMap(([variant, list]) =>
    list.flatMap((run, i) =>
      run.timedOut || run.accepted !== MESSAGES || run.purged < MESSAGES * variant.copies
        ? [
            `${variant.name} rep ${i + 1}: accepted ${run.accepted}, purged ${run.purged}` +
              `${run.timedOut ? ', timed out' : ''}`,
          ]
        : [],
    ),
  );
  const extraCopies = [...runs]
    .flatMap(([variant, list]) => list.map((run) => run.purged - MESSAGES * variant.copies))
    .filter((extra) => extra > 0)
    .reduce((sum, extra) => sum + extra, 0);
  console.log(
    `check: ${problems.length === 0 ? `every run accepted all ${MESSAGES} messages, and ${QUEUE} held every copy` : `NOT: ${problems.join('; ')}`}; ` +
      `extra copies (a confirm that came late, sent again elsewhere): ${extraCopies}; ` +
      `returned as unroutable: ${figures.returned}`,
  );

  const rawLatency = latencies.get(raw) ?? [];
  const rawByBroker = byBroker.get(raw) ?? new Map<string, number[]>();
  /** p50 minus raw's p50 on the same broker, weighted by where this variant's messages went. */
  const sameBrokerGap = (variant: LatencyProbe) => {
    const own = [...(byBroker.get(variant) ?? [])];
    const total = own.reduce((sum, [, samples]) => sum + samples.length, 0);
    return own.reduce(
      (sum, [id, samples]) =>
        sum +
        (samples.length / total) * (median(samples) - median(rawByBroker.get(id) ?? [Number.NaN])),
      0,
    );
  };
  const p50Gap = (variant: LatencyProbe) =>
    median(latencies.get(variant) ?? []) - median(rawLatency);
  console.log(
    '\nsingle-message latency, ms: sequential, alternating variants message by message; ' +
      'raw sends message i to broker i mod 3',
  );
  for (const variant of probes) {
    const own = latencies.get(variant) ?? [];
    const same = sameBrokerGap(variant);
    const perBroker = [...(byBroker.get(variant) ?? [])]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, samples]) => `${id} ${median(samples).toFixed(3)} (${samples.length})`)
      .join(', ');
    console.log(
      `${variant.name.padEnd(20)} p50 ${median(own).toFixed(3)}, p90 ${percentile(own, 0.9).toFixed(3)}, ` +
        `p99 ${percentile(own, 0.99).toFixed(3)}; p50 - raw ${p50Gap(variant).toFixed(3)}, ` +
        `same brokers ${Number.isNaN(same) ? 'n/a' : same.toFixed(3)}; p50 by broker ${perBroker}`,
    );
  }

  console.log('\ngoals (throughput: median per-rep ratio; latency: p50 gap, then same-broker gap)');
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const goals = [
    { name: 'warren publish()', ratio: 0.95, gapMs: 0.1 },
    { name: 'warren HTTP', ratio: 0.8, gapMs: 1 },
  ];
  // Replication costs a second confirm in parallel, not a second round trip.
  const REPLICA_GAP_MS = 0.3;
  for (const goal of goals) {
    const variant = variants.find((v) => v.name === goal.name);
    if (!variant) continue;
    const ratio = median(ratiosOf(variant));
    const gap = p50Gap(variant);
    const same = sameBrokerGap(variant);
    console.log(
      `${goal.name.padEnd(20)} throughput >= ${goal.ratio}x raw: ${ratio.toFixed(3)}x ${verdict(ratio >= goal.ratio)}; ` +
        `p50 <= raw + ${goal.gapMs} ms: ${gap >= 0 ? '+' : ''}${gap.toFixed(3)} ms ${verdict(gap <= goal.gapMs)}, ` +
        `same brokers ${same >= 0 ? '+' : ''}${same.toFixed(3)} ms ${verdict(same <= goal.gapMs)}`,
    );
  }
  // Issue 14: the API's own CPU, and HTTP latency against HTTP's own round trip.
  const http = variants.find((v) => v.name === 'warren HTTP');
  const bare = probes.find((p) => p.name === 'bare node:http');
  if (http) {
    const apiCpuUs =
      (1000 * (medianOf(runs.get(http) ?? [], (run) => run.hostCpuMs) ?? NaN)) / MESSAGES;
    console.log(
      `${http.name.padEnd(20)} API CPU (its own process) <= 20 µs/msg: ${apiCpuUs.toFixed(1)} µs ${verdict(apiCpuUs <= 20)}`,
    );
  }
  if (http && bare) {
    const p50 = (probe: LatencyProbe) => median(latencies.get(probe) ?? []);
    const budget = p50(bare) + median(rawLatency) + 0.2;
    console.log(
      `${http.name.padEnd(20)} p50 <= bare node:http p50 + raw p50 + 0.2 ms = ${budget.toFixed(3)} ms: ` +
        `${p50(http).toFixed(3)} ms ${verdict(p50(http) <= budget)}`,
    );
    // Not goals: where the floor of an HTTP publish lies here (reference-publishers.ts).
    const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(3)}`;
    for (const reference of probes.filter((p) => p.name.startsWith('reference '))) {
      console.log(
        `${reference.name.padEnd(20)} p50 ${p50(reference).toFixed(3)} ms, ${signed(p50(reference) - budget)} ms ` +
          `against that budget; ${http.name} ${signed(p50(http) - p50(reference))} ms over it`,
      );
    }
  }
  const fairRuns = runs.get(fair) ?? [];
  const publishVariant = variants.find((v) => v.name === 'warren publish()');
  if (publishVariant) {
    const ratio = median(
      (runs.get(publishVariant) ?? []).map((run, i) => (fairRuns[i]?.ms ?? Number.NaN) / run.ms),
    );
    console.log(
      `${publishVariant.name.padEnd(20)} throughput >= 0.95x ${fair.name}: ${ratio.toFixed(3)}x ${verdict(ratio >= 0.95)}`,
    );
  }
  for (const variant of variants) {
    if (variant.copies === 1) continue;
    const single = variants.find(
      (v) => v.copies === 1 && variant.name === `${v.name}${replicasSuffix(variant.copies)}`,
    );
    if (!single) continue;
    const gap = median(latencies.get(variant) ?? []) - median(latencies.get(single) ?? []);
    const ratio = median(ratiosOf(variant)) / median(ratiosOf(single));
    console.log(
      `${variant.name.padEnd(20)} p50 <= ${single.name} + ${REPLICA_GAP_MS} ms: ${gap >= 0 ? '+' : ''}${gap.toFixed(3)} ms ${verdict(gap <= REPLICA_GAP_MS)}; ` +
        `throughput ${ratio.toFixed(3)}x ${single.name}'s`,
    );
  }
}
