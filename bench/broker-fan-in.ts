/**
 * Broker fan-in: how many publisher containers connect to each broker, with
 * and without deterministic subsetting, for 10, 1 000 and 10 000 warm
 * containers over 3 to 1 000 brokers (the model in
 * bench/broker-fan-in/fan-in-model.ts over the publisher's own subsets), then
 * what a publish call pays to rank its subset. No broker, no network.
 *
 *   npx tsx bench/broker-fan-in.ts [--subset-size 6]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { BrokerNode } from '../src/core/broker-node.js';
import { DEFAULT_SUBSET_SIZE, rankBrokers, withSubset } from '../src/core/broker-subset.js';
import { createBrokerRanking } from '../src/publish/broker-ranking.js';
import { brokerNode } from '../test/support/broker-node.js';
import { fanIn, syntheticContainerIds } from './broker-fan-in/fan-in-model.js';
import { integerFlag } from './support/integer-flag.js';
import { machineLine } from './support/machine-line.js';
import { median } from './support/measure.js';

const { values } = parseArgs({ options: { 'subset-size': { type: 'string' } } });
const SUBSET_SIZE = integerFlag(values, 'subset-size', DEFAULT_SUBSET_SIZE, 0, 1_000);
const CONTAINER_COUNTS = [10, 1_000, 10_000] as const;
const BROKER_COUNTS = [3, 30, 100, 300, 1_000] as const;
const SIZES_COMPARED = [0, 3, 6, 10, 20] as const;

const table = (headers: readonly string[], rows: readonly (readonly string[])[]) =>
  [headers, headers.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const num = (value: number, digits: number) => value.toFixed(digits);
const percent = (share: number) => `${num(100 * share, 1)} %`;
const brokerIds = (count: number) => Array.from({ length: count }, (_, i) => `b${i + 1}`);

function printFanIn(): void {
  console.log(`\n### Connections per broker, subset size ${SUBSET_SIZE}\n`);
  const rows = [];
  for (const containers of CONTAINER_COUNTS) {
    const containerIds = syntheticContainerIds(containers);
    for (const brokers of BROKER_COUNTS) {
      const m = fanIn({ containerIds, brokerIds: brokerIds(brokers), subsetSize: SUBSET_SIZE });
      rows.push([
        int(containers),
        int(brokers),
        int(m.without),
        m.mean < 10 ? num(m.mean, 2) : int(m.mean),
        `${int(m.min)}-${int(m.max)}`,
        percent(m.maxShare),
        num(m.maxOverMean, 2),
        `${int(m.reconnects)} / ${int(m.maxAfterLoss)}`,
      ]);
    }
  }
  console.log(
    table(
      [
        'containers',
        'brokers',
        'without subsets (per broker)',
        'with: mean',
        'with: min-max',
        'busiest vs without',
        'busiest / mean',
        'busiest broker leaves: reconnects / most on one broker after',
      ],
      rows,
    ),
  );
}

function printSizes(): void {
  console.log('\n### Subset size against fan-in and evenness (10 000 containers, 100 brokers)\n');
  const containerIds = syntheticContainerIds(10_000);
  const rows = SIZES_COMPARED.map((subsetSize) => {
    const m = fanIn({ containerIds, brokerIds: brokerIds(100), subsetSize });
    return [
      subsetSize === 0 ? '0 (off)' : String(subsetSize),
      `${int(m.min)}-${int(m.max)}`,
      percent(m.maxShare),
      num(m.maxOverMean, 2),
    ];
  });
  console.log(
    table(['subset size', 'per broker min-max', 'busiest vs without', 'busiest / mean'], rows),
  );
}

/** What `withSubset` costs a publish call (once per call, not per message), median of 5 runs. */
function printCost(): void {
  console.log(`\n### Taking the subset, per publish call (subset size ${SUBSET_SIZE})\n`);
  const perCall = (
    brokers: number,
    rank: (nodes: readonly BrokerNode[]) => readonly BrokerNode[],
  ) => {
    const preferred = brokerIds(brokers).map((id) => brokerNode(id));
    const calls = Math.max(200, Math.round(200_000 / brokers));
    const runs = Array.from({ length: 5 }, () => {
      const started = performance.now();
      // A fresh candidate set per call, over the same view's nodes, as the publisher has.
      for (let i = 0; i < calls; i++)
        withSubset({ preferred: [...preferred], fallback: [], panic: false }, rank, SUBSET_SIZE, 1);
      return ((performance.now() - started) * 1_000) / calls;
    });
    return `${num(median(runs), 2)} µs`;
  };
  const rows = BROKER_COUNTS.map((brokers) => [
    int(brokers),
    perCall(brokers, (nodes) => rankBrokers('container-1', nodes)),
    perCall(brokers, createBrokerRanking('container-1')),
  ]);
  console.log(
    table(['brokers (all preferred)', 'ranked afresh', 'ranking remembered (the publisher)'], rows),
  );
}

const loadBefore = loadavg();
const started = performance.now();
printFanIn();
printSizes();
printCost();
console.log(
  `\n${machineLine({ server: undefined, loadBefore, loadAfter: loadavg() })}; ${num((performance.now() - started) / 1_000, 1)} s`,
);
