/** The connection bench's tables: medians over repetitions, with their ranges. */
import { PUBLISHER_CONNECT_TIMEOUT_MS } from '../../src/publish/amqp-broker-pool.js';
import { int, markdownTable } from '../support/markdown-table.js';
import { median } from '../support/measure.js';
import type { BurstRun, IdleRun } from './connection-runs.js';
import type { Protocol } from './open-links.js';

/** `median (min-max)` of `samples`, each shown by `show`. */
const spread = (samples: readonly number[], show: (value: number) => string = int) =>
  samples.length === 1
    ? show(samples[0] ?? Number.NaN)
    : `${show(median([...samples]))} (${show(Math.min(...samples))}-${show(Math.max(...samples))})`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const percentile = (samples: readonly number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
};

/** Runs grouped by protocol and count, in the order first seen. */
function groups<R extends { protocol: Protocol; count: number }>(runs: readonly R[]): R[][] {
  const byKey = new Map<string, R[]>();
  for (const run of runs) {
    const key = `${run.count} ${run.protocol}`;
    byKey.set(key, [...(byKey.get(key) ?? []), run]);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      (a[0]?.count ?? 0) - (b[0]?.count ?? 0) ||
      (a[0]?.protocol ?? '').localeCompare(b[0]?.protocol ?? ''),
  );
}

const perConnection = (runs: readonly IdleRun[], pick: (run: IdleRun) => number) =>
  runs.map((run) => pick(run) / run.count);

export function memoryTable(runs: readonly IdleRun[]): string {
  const rows = groups(runs).map((group) => {
    const first = group[0] as IdleRun;
    return [
      int(first.count),
      first.protocol,
      spread(group.map((run) => run.after.connections)),
      spread(
        perConnection(group, (run) => run.after.erlangTotal - run.before.erlangTotal),
        kib,
      ),
      spread(
        perConnection(group, (run) => run.afterIdle.erlangTotal - run.before.erlangTotal),
        kib,
      ),
      spread(
        perConnection(
          group,
          (run) => run.afterCollected.erlangTotal - run.beforeCollected.erlangTotal,
        ),
        kib,
      ),
      spread(
        perConnection(group, (run) => run.after.rss - run.before.rss),
        kib,
      ),
      spread(
        perConnection(group, (run) => run.after.processCount - run.before.processCount),
        (value) => value.toFixed(1),
      ),
    ];
  });
  return markdownTable(
    [
      'connections',
      'protocol',
      'held by the broker',
      'Erlang memory per connection (settled)',
      'after the idle hold',
      'after a full GC',
      'RSS per connection',
      'Erlang processes per connection',
    ],
    rows,
  );
}

/** `rabbit_vm:memory()`'s totals and its accounting of RSS against allocation, not where memory is. */
const NOT_A_PLACE = new Set([
  'erlang',
  'rss',
  'allocated',
  'allocated_unused',
  'reserved_unallocated',
]);

/** Where an idle connection's memory is, by `rabbit_vm:memory()` category, after a full GC; categories under 0.1 KiB left out. */
export function breakdownTable(runs: readonly IdleRun[]): string {
  const largest = Math.max(...runs.map((run) => run.count));
  const byProtocol = groups(runs.filter((run) => run.count === largest));
  const categories = Object.keys(byProtocol[0]?.[0]?.afterCollected.categories ?? {}).filter(
    (category) => !NOT_A_PLACE.has(category),
  );
  const perCategory = (group: readonly IdleRun[], category: string) =>
    median(
      perConnection(
        group,
        (run) =>
          (run.afterCollected.categories[category] ?? 0) -
          (run.beforeCollected.categories[category] ?? 0),
      ),
    );
  const rows = categories
    .filter((category) => byProtocol.some((group) => Math.abs(perCategory(group, category)) >= 102))
    .map((category) => [category, ...byProtocol.map((group) => kib(perCategory(group, category)))]);
  return markdownTable(
    [
      `category (${int(largest)} connections)`,
      ...byProtocol.map((group) => group[0]?.protocol ?? ''),
    ],
    rows,
  );
}

export function openingTable(runs: readonly IdleRun[], batch: number): string {
  const rows = groups(runs).map((group) => {
    const first = group[0] as IdleRun;
    const perOpened = (pick: (run: IdleRun) => number) =>
      group.map((run) => (1_000 * pick(run)) / Math.max(1, run.opened));
    return [
      int(first.count),
      first.protocol,
      spread(perOpened((run) => run.brokerCpuMs)),
      spread(perOpened((run) => run.clientCpuMs)),
      spread(group.map((run) => run.wallMs)),
      spread(
        group.map((run) => (1_000 * run.idleCpuMsPerSecond) / run.count),
        (value) => value.toFixed(1),
      ),
      String(group.reduce((sum, run) => sum + run.failures.length, 0)),
    ];
  });
  return markdownTable(
    [
      'connections',
      'protocol',
      'broker CPU per open (µs)',
      'client CPU per open (µs)',
      `wall, ${batch} in flight (ms)`,
      'broker CPU per idle connection (µs/s)',
      'failed opens',
    ],
    rows,
  );
}

export function burstTable(runs: readonly BurstRun[]): string {
  const byMode = new Map<string, BurstRun[]>();
  for (const run of runs) {
    const key = `${run.protocol} ${run.concurrency}`;
    byMode.set(key, [...(byMode.get(key) ?? []), run]);
  }
  const rows = [...byMode.values()].map((group) => {
    const first = group[0] as BurstRun;
    const latencies = (pick: (samples: readonly number[]) => number) =>
      spread(group.map((run) => pick(run.latenciesMs)));
    return [
      int(first.count),
      first.protocol,
      first.concurrency === first.count ? 'all at once' : `${first.concurrency} in flight`,
      spread(group.map((run) => run.wallMs)),
      latencies((samples) => percentile(samples, 0.5)),
      latencies((samples) => percentile(samples, 0.99)),
      latencies((samples) => Math.max(...samples)),
      spread(
        group.map(
          (run) =>
            (100 * run.latenciesMs.filter((ms) => ms > PUBLISHER_CONNECT_TIMEOUT_MS).length) /
            run.count,
        ),
        (value) => `${value.toFixed(1)} %`,
      ),
      spread(group.map((run) => (1_000 * run.brokerCpuMs) / Math.max(1, run.opened))),
      spread(group.map((run) => (1_000 * run.clientCpuMs) / Math.max(1, run.opened))),
      failureSummary(group.flatMap((run) => run.failures)),
    ];
  });
  return markdownTable(
    [
      'connections',
      'protocol',
      'opened',
      'wall until all open (ms)',
      'connect p50 (ms)',
      'p99 (ms)',
      'max (ms)',
      `over the pool's ${int(PUBLISHER_CONNECT_TIMEOUT_MS)} ms`,
      'broker CPU per open (µs)',
      'client CPU per open (µs)',
      'failed opens (all runs)',
    ],
    rows,
  );
}

function failureSummary(failures: readonly string[]): string {
  if (failures.length === 0) return '0';
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  return [...counts].map(([failure, count]) => `${count} ${failure}`).join(', ');
}
