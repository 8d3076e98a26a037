/** The registry-at-scale report: markdown tables, ready for BENCHMARKS.md and docs/registry-cost.md. */
import { DEFAULT_SNAPSHOT_COPIES } from '../../src/dynamodb/registry-table.js';
import { int, markdownTable as table } from '../support/markdown-table.js';
import { median } from '../support/measure.js';
import {
  fleetLoad,
  PARTITION_LIMITS,
  type ProberLoad,
  QUERY_PAGE_BYTES,
  queryLayout,
  type ReadLayout,
  readUnits,
  snapshotLayout,
  US_EAST_1_ON_DEMAND,
  writeUnits,
} from './cost-model.js';
import { attributeBytes, itemBytes, nameBytes, type WireItem } from './item-size.js';
import type { ScaleRun } from './scale-run.js';
import {
  CACHE_TTL_MS,
  CONTAINER_COUNTS,
  PROBE_ROUNDS_PER_SECOND,
  REFRESH_AFTER_MS,
  SETTLE_ROUNDS,
} from './settings.js';

const num = (value: number, digits = 2) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const dollars = (value: number) => `$${num(value)}`;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The sizes and units of one run, as the model takes them. */
export function steadyFigures(run: ScaleRun) {
  const read = run.reads[0];
  if (!read) throw new Error(`no publisher read of the ${run.brokers}-broker fleet`);
  const sizes = read.items.map(itemBytes);
  const steady = run.rounds.slice(SETTLE_ROUNDS);
  const prober: ProberLoad = {
    roundsPerSecond: PROBE_ROUNDS_PER_SECOND,
    nodeWriteUnitsPerRound: mean(steady.map((r) => r.nodeComputedUnits)),
    leaseWriteUnitsPerRound: mean(steady.map((r) => r.leaseReportedUnits)),
  };
  return { read, sizes, steady, prober, layout: queryLayout(sizes, 'eventual') };
}

/** The copies the cost tables assume, and the bench's registry keeps: the deployed default. */
const SNAPSHOT_COPIES = DEFAULT_SNAPSHOT_COPIES;

/** The fleet snapshot's sizes and units in one run, as the model takes them. */
export function snapshotFigures(run: ScaleRun) {
  const { steady, sizes, prober } = steadyFigures(run);
  const items = run.snapshotReads.flatMap((read) => (read.item ? [read.item] : []));
  if (items.length === 0) throw new Error(`no snapshot read of the ${run.brokers}-broker fleet`);
  const itemSize = median(items.map(itemBytes));
  const strongUnits = queryLayout(sizes, 'strong').readUnits;
  const eventualUnits = queryLayout(sizes, 'eventual').readUnits;
  // The counter item is a few bytes (1 unit); each copy is rewritten whole, so charged on its size.
  const writeUnitsPerRound = 1 + SNAPSHOT_COPIES * writeUnits(itemSize, itemSize);
  const snapshotProber: ProberLoad = {
    ...prober,
    readUnitsPerRound: eventualUnits + strongUnits,
    readRequestsPerRound: 2 * queryLayout(sizes, 'eventual').requests,
    snapshotWriteUnitsPerRound: writeUnitsPerRound,
  };
  return {
    itemSize,
    encodedBytes: median(steady.map((round) => round.snapshot.encodedBytes)),
    strongUnits,
    writeUnitsPerRound,
    prober: snapshotProber,
    layout: snapshotLayout(itemSize, SNAPSHOT_COPIES),
  };
}

export function printSnapshot(runs: readonly ScaleRun[]): void {
  console.log(
    `\n### The fleet snapshot: one GetItem per publisher refresh (${SNAPSHOT_COPIES} copies, each container reading one; steady state)\n`,
  );
  const rows = runs.map((run) => {
    const figures = snapshotFigures(run);
    const steady = run.rounds.slice(SETTLE_ROUNDS).map((round) => round.snapshot);
    const requests = [...new Set(run.snapshotReads.map((read) => read.commands.join('+')))];
    return [
      int(run.brokers),
      `${int(figures.encodedBytes)} (${num(figures.encodedBytes / run.brokers, 1)}/broker)`,
      int(figures.itemSize),
      int(median(run.snapshotReads.map((read) => read.responseBytes))),
      requests.join(', '),
      `${num(readUnits(figures.itemSize, 'eventual'), 1)} / ${num(median(run.snapshotReads.map((r) => r.reportedUnits)), 1)}`,
      `${num(median(run.snapshotReads.map((read) => read.ms)), 1)} ms`,
      `${num(figures.strongUnits, 1)} / ${num(mean(steady.map((w) => w.queryReportedUnits)), 1)}`,
      `${num(figures.writeUnitsPerRound, 1)} / ${num(mean(steady.map((w) => w.counterReportedUnits + w.copyReportedUnits)), 1)}`,
    ];
  });
  console.log(
    table(
      [
        'Brokers',
        'Snapshot bytes (brotli)',
        'Item bytes',
        'GetItem response bytes',
        'Requests per refresh',
        'RCU per refresh: computed / dynalite',
        'Refresh, dynalite in process',
        'Prober strong Query RCU per round: computed / dynalite',
        'Prober snapshot WCU per round (counter + copies): computed / dynalite',
      ],
      rows,
    ),
  );
}

export function printSizes(runs: readonly ScaleRun[]): void {
  console.log(
    `\n### A healthy fleet: sizes and units per read and per probe round (steady state: rounds ${SETTLE_ROUNDS + 1}+)\n`,
  );
  const rows = runs.map((run) => {
    const { read, sizes, steady, layout } = steadyFigures(run);
    return [
      int(run.brokers),
      `${int(median(sizes))} (${int(Math.min(...sizes))}-${int(Math.max(...sizes))})`,
      `${int(read.responseBytes)} (${int(read.responseBytes / run.brokers)}/broker)`,
      `${read.pages}`,
      `${num(layout.readUnits, 1)} / ${num(median(run.reads.map((r) => r.reportedUnits)), 1)}`,
      `${num(median(run.reads.map((r) => r.ms)), 1)} ms`,
      steady.map((r) => r.nodeWrites).join(', '),
      `${num(mean(steady.map((r) => r.nodeComputedUnits)), 1)} / ${num(mean(steady.map((r) => r.nodeReportedUnits)), 1)}`,
      num(mean(steady.map((r) => r.leaseReportedUnits)), 1),
    ];
  });
  console.log(
    table(
      [
        'Brokers',
        'Item bytes, median (min-max)',
        'Query response bytes',
        'Pages',
        'RCU per refresh: computed / dynalite',
        'Refresh, dynalite in process',
        'Health writes per steady round',
        'Health WCU per round: computed / dynalite',
        'Lease WCU per round',
      ],
      rows,
    ),
  );
  const largest = runs.at(-1);
  if (largest) {
    const itemsPerPage = Math.floor(QUERY_PAGE_BYTES / median(steadyFigures(largest).sizes));
    console.log(
      `\nOne 1 MB Query page holds about ${int(itemsPerPage)} items of this size; beyond that a refresh takes 2+ requests.`,
    );
  }
}

export function printCost(runs: readonly ScaleRun[], kind: 'query' | 'snapshot'): void {
  const figuresOf = (run: ScaleRun): { layout: ReadLayout; prober: ProberLoad } =>
    kind === 'query' ? steadyFigures(run) : snapshotFigures(run);
  const layoutName = figuresOf(runs[0] as ScaleRun).layout.name;
  console.log(
    `\n### Cost, ${layoutName}, at the deployed settings: cache TTL ${CACHE_TTL_MS} ms, ` +
      `${num(PROBE_ROUNDS_PER_SECOND * 60, 0)} probe rounds a minute, on-demand us-east-1 ` +
      `($${US_EAST_1_ON_DEMAND.readPerMillionUnits} per million read units, ` +
      `$${US_EAST_1_ON_DEMAND.writePerMillionUnits} per million write units)\n`,
  );
  const rows = runs.flatMap((run) => {
    const { layout, prober } = figuresOf(run);
    return CONTAINER_COUNTS.map((containers) => {
      const load = fleetLoad({
        layout,
        containers,
        cacheTtlMs: CACHE_TTL_MS,
        prober,
        prices: US_EAST_1_ON_DEMAND,
      });
      return [
        int(run.brokers),
        int(containers),
        num(load.readRequestsPerSecond, 1),
        num(load.readUnitsPerSecond, 1),
        `${num(100 * load.partitionReadShare, 1)}%`,
        load.partitionReadShare > 0 ? `${num(1 / load.partitionReadShare, 2)}x` : 'n/a',
        num(load.writeUnitsPerSecond, 2),
        `${num(100 * load.partitionWriteShare, 2)}%`,
        dollars(load.monthlyReadCost),
        dollars(load.monthlyWriteCost),
        dollars(load.monthlyReadCost + load.monthlyWriteCost),
        int(load.maxContainers),
      ];
    });
  });
  console.log(
    table(
      [
        'Brokers',
        'Warm containers',
        'Reads/s',
        'RCU/s',
        `Share of ${int(PARTITION_LIMITS.readUnitsPerSecond)} RCU/s (busiest partition)`,
        'Headroom',
        'Prober WCU/s',
        `Share of ${int(PARTITION_LIMITS.writeUnitsPerSecond)} WCU/s`,
        'Reads $/month',
        'Writes $/month',
        'Total $/month',
        'Containers at the partition limit',
      ],
      rows,
    ),
  );
  const copies = figuresOf(runs[0] as ScaleRun).layout.snapshotCopies;
  if (copies !== undefined && copies > 1) {
    console.log(
      `\nThe busiest partition is one copy's, which assumes DynamoDB serves each copy from a partition ` +
        `of its own. Until it isolates them, copies sharing a partition add up: ` +
        `${copies} copies on one partition leave 1/${copies} of each headroom above.`,
    );
  }
}

export function printFailing(runs: readonly ScaleRun[]): void {
  console.log(
    `\n### A failing fleet: real probes of refused and closing loopback ports, per round\n`,
  );
  const rows = runs.map((run) => {
    const { sizes, steady } = steadyFigures(run);
    const kinds = new Set(run.rounds.flatMap((r) => Object.values(r.summary.outcomes)));
    return [
      int(run.brokers),
      `${int(median(sizes))} (${int(Math.min(...sizes))}-${int(Math.max(...sizes))})`,
      run.rounds.map((r) => r.nodeWrites).join(', '),
      `${num(mean(steady.map((r) => r.nodeComputedUnits)), 1)} / ${num(mean(steady.map((r) => r.nodeReportedUnits)), 1)}`,
      `${num(median(run.rounds.map((r) => r.ms)), 0)} ms`,
      [
        ...new Set(
          [...kinds].map((o) => (o.result === 'failed' ? `${o.stage} ${o.severity}` : o.result)),
        ),
      ].join(', '),
    ];
  });
  console.log(
    table(
      [
        'Brokers',
        'Item bytes, median (min-max)',
        'Health writes, rounds 1..n',
        'Health WCU per steady round: computed / dynalite',
        'Round wall time, median',
        'Outcomes',
      ],
      rows,
    ),
  );
}

export function printAttributes(healthy: ScaleRun, failing: ScaleRun | undefined): void {
  const item = healthy.reads[0]?.items[0];
  const other = failing?.reads[0]?.items[0];
  if (!item) return;
  const total = itemBytes(item);
  const otherBytes = new Map(other ? attributeBytes(other).map((a) => [a.name, a.bytes]) : []);
  console.log(
    `\n### Where an item's bytes go (${healthy.brokers}-broker fleets, one broker; name + value bytes)\n`,
  );
  const rows = attributeBytes(item).map(({ name, bytes }) => [
    name,
    int(bytes),
    `${num((100 * bytes) / total, 1)}%`,
    otherBytes.has(name) ? int(otherBytes.get(name) ?? 0) : '-',
  ]);
  rows.push(['total', int(total), '100%', other ? int(itemBytes(other)) : '-']);
  console.log(table(['Attribute', 'Healthy', 'Share', 'Unhealthy (failing fleet)'], rows));
  const names = nameBytes(item);
  const stamps = timestampBytes(item);
  console.log(
    `\nOf the healthy item's ${int(total)} bytes, attribute names (top-level and nested) are ` +
      `${int(names)} (${num((100 * names) / total, 0)}%), and ISO-8601 timestamp values ` +
      `${int(stamps.bytes)} (${num((100 * stamps.bytes) / total, 0)}%, ${stamps.count} of them).`,
  );
  console.log(
    `\nrefreshAfterMs ${REFRESH_AFTER_MS}: an unchanged broker is rewritten every 2nd round.`,
  );
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The bytes of the string values that are timestamps, at any depth. */
function timestampBytes(item: WireItem): { bytes: number; count: number } {
  let bytes = 0;
  let count = 0;
  const visit = (values: readonly unknown[]) => {
    for (const value of values) {
      if (!value || typeof value !== 'object') continue;
      const { S, M } = value as { S?: unknown; M?: Record<string, unknown> };
      if (typeof S === 'string' && ISO_TIMESTAMP.test(S)) {
        bytes += Buffer.byteLength(S);
        count += 1;
      }
      if (M) visit(Object.values(M));
    }
  };
  visit(Object.values(item));
  return { bytes, count };
}
