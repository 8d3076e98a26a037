/**
 * Broker fan-in: how many publisher containers connect to each broker, with
 * and without deterministic subsetting, for 10, 1 000 and 10 000 warm
 * containers over 3 to 1 000 brokers (the model in
 * bench/broker-fan-in/fan-in-model.ts over the publisher's own subsets), what
 * those connections and a scale-up's handshakes cost the busiest broker (the
 * measured cost of one connection, bench/broker-fan-in/broker-load.ts), then
 * what a publish call pays to rank its subset. No broker, no network.
 *
 *   npx tsx bench/broker-fan-in.ts [--subset-size 6] [--bytes-per-connection B]
 *     [--handshake-cpu-us U] [--idle-cpu-us-per-second U] [--scale-up 1000]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { BrokerNode } from '../src/core/broker-node.js';
import { DEFAULT_SUBSET_SIZE, rankBrokers, withSubset } from '../src/core/broker-subset.js';
import { createBrokerRanking } from '../src/publish/broker-ranking.js';
import { brokerNode } from '../test/support/broker-node.js';
import { brokerLoad, type ConnectionCost } from './broker-fan-in/broker-load.js';
import { fanIn, syntheticContainerIds } from './broker-fan-in/fan-in-model.js';
import { integerFlag } from './support/integer-flag.js';
import { machineLine } from './support/machine-line.js';
import { int, markdownTable } from './support/markdown-table.js';
import { median } from './support/measure.js';

const { values } = parseArgs({
  options: {
    'subset-size': { type: 'string' },
    'bytes-per-connection': { type: 'string' },
    'handshake-cpu-us': { type: 'string' },
    'idle-cpu-us-per-second': { type: 'string' },
    'scale-up': { type: 'string' },
  },
});
const SUBSET_SIZE = integerFlag(values, 'subset-size', DEFAULT_SUBSET_SIZE, 0, 1_000);
/**
 * One amqps publisher connection, measured by `npm run bench:connections`
 * (bench/broker-connections.ts) on 2026-12-07 at 5a215cd: RabbitMQ 3.10.8,
 * Erlang/OTP 25, TLS 1.3 with an EC P-256 certificate, medians of 5 runs of
 * 1 000 connections on a loaded 2-core machine. Memory is the Erlang memory
 * an idle connection holds 6 s after opening (422.0 KiB, an upper estimate:
 * other runs gave 255-298 KiB; 108.5 KiB of it live after a full GC); CPU to open is with 10 connects in flight (2 623 µs when
 * 1 000 come at once); holding is heartbeats every 5 s and management stats.
 */
const MEASURED: ConnectionCost = {
  bytesPerIdleConnection: 432_128,
  handshakeCpuUs: 3_887,
  idleCpuUsPerSecond: 84,
};
const COST: ConnectionCost = {
  bytesPerIdleConnection: integerFlag(
    values,
    'bytes-per-connection',
    MEASURED.bytesPerIdleConnection,
    1,
    1e8,
  ),
  handshakeCpuUs: integerFlag(values, 'handshake-cpu-us', MEASURED.handshakeCpuUs, 1, 1e7),
  idleCpuUsPerSecond: integerFlag(
    values,
    'idle-cpu-us-per-second',
    MEASURED.idleCpuUsPerSecond,
    0,
    1e6,
  ),
};
/** New containers in the scale-up whose handshakes each broker pays. */
const SCALE_UP = integerFlag(values, 'scale-up', 1_000, 1, 100_000);
const CONTAINER_COUNTS = [10, 1_000, 10_000] as const;
const BROKER_COUNTS = [3, 30, 100, 300, 1_000] as const;
const SIZES_COMPARED = [0, 3, 6, 10, 20] as const;

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
    markdownTable(
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
    markdownTable(
      ['subset size', 'per broker min-max', 'busiest vs without', 'busiest / mean'],
      rows,
    ),
  );
}

const mib = (bytes: number) => `${int(bytes / 2 ** 20)} MiB`;

/** The busiest broker's load at 10 000 warm containers, and of a scale-up, with subsets and without. */
function printLoad(): void {
  console.log(
    `\n### What the connections cost the busiest broker (subset size ${SUBSET_SIZE}; ` +
      `${num(COST.bytesPerIdleConnection / 1024, 1)} KiB, ${int(COST.handshakeCpuUs)} µs to open and ` +
      `${num(COST.idleCpuUsPerSecond, 1)} µs/s to hold a connection)\n`,
  );
  const held = syntheticContainerIds(10_000);
  // The same ids as the table's 1 000 containers: any set of fresh UUIDs spreads alike.
  const joining = syntheticContainerIds(SCALE_UP);
  const rows = BROKER_COUNTS.map((brokers) => {
    const ids = brokerIds(brokers);
    const steady = fanIn({ containerIds: held, brokerIds: ids, subsetSize: SUBSET_SIZE });
    const scaleUp = fanIn({ containerIds: joining, brokerIds: ids, subsetSize: SUBSET_SIZE });
    const withSubsets = brokerLoad({ connections: steady.max, handshakes: scaleUp.max }, COST);
    const without = brokerLoad({ connections: steady.without, handshakes: scaleUp.without }, COST);
    return [
      int(brokers),
      `${int(steady.max)} / ${int(steady.without)}`,
      `${mib(withSubsets.memoryBytes)} / ${mib(without.memoryBytes)}`,
      `${num(withSubsets.idleCores, 3)} / ${num(without.idleCores, 3)}`,
      `${int(scaleUp.max)} / ${int(scaleUp.without)}`,
      `${num(withSubsets.handshakeCpuSeconds, 2)} / ${num(without.handshakeCpuSeconds, 2)}`,
    ];
  });
  console.log(
    markdownTable(
      [
        'brokers',
        '10 000 containers: connections, with / without subsets',
        'memory',
        'cores to hold them idle',
        `${int(SCALE_UP)} new containers: handshakes`,
        'broker CPU-seconds',
      ],
      rows,
    ),
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
    markdownTable(
      ['brokers (all preferred)', 'ranked afresh', 'ranking remembered (the publisher)'],
      rows,
    ),
  );
}

const loadBefore = loadavg();
const started = performance.now();
printFanIn();
printSizes();
printLoad();
printCost();
console.log(
  `\n${machineLine({ server: undefined, loadBefore, loadAfter: loadavg() })}; ${num((performance.now() - started) / 1_000, 1)} s`,
);
