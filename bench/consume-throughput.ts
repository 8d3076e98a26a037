import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { createConsumer } from '../src/consume/create-consumer.js';
import { createRegistryTable } from '../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import type { FleetDescription } from '../src/fleet/fleet-state.js';
import { LOCAL_CREDENTIALS } from '../src/fleet/local-brokers.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';
import { defaultTopology } from '../src/topology/load-topology.js';
import { brokerPidsOf, hostFleet, startFleetChild } from './support/fleet-host.js';
import { cpuMs, machineCpu, median, processesCpuMs, within } from './support/measure.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: {
    reps: { type: 'string' },
    'per-broker': { type: 'string' },
    prefetch: { type: 'string' },
    'fleet-host': { type: 'string' }, // internal: this file, forked, runs the fleet
  },
});
const integer = (name: string, fallback: number, min: number, max: number) => {
  const value = Number(values[name as keyof typeof values] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name}: ${min}..${max}`);
  return value;
};
const REPS = integer('reps', 5, 1, 30);
const PER_BROKER = integer('per-broker', 10_000, 100, 100_000);
const PREFETCH = integer('prefetch', 100, 1, 5_000);
const BROKERS = 3;
const TOTAL = BROKERS * PER_BROKER;

const QUEUE = 'tasks';
/** A JSON object of exactly 1 KiB once serialised. */
const BODY = { kind: 'bench', seq: 1, data: 'x'.repeat(1024 - 34) };
const PAYLOAD = Buffer.from(JSON.stringify(BODY));
if (PAYLOAD.length !== 1024) throw new Error(`payload is ${PAYLOAD.length} bytes, not 1024`);
/** One consume run gives up after this. */
const RUN_TIMEOUT_MS = 120_000;
/** Loading publishes this many messages per broker before waiting for their confirms. */
const LOAD_BATCH = 1_000;
/** Pause between loading and the timed run, so the brokers finish writing what they took. */
const SETTLE_MS = 1_000;
const WARMUP_PER_BROKER = 1_000;

// ---------------------------------------------------------------------------
// Loading and checking the queue, with raw amqplib (untimed).

interface RawBroker {
  readonly id: string;
  readonly url: string;
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
}

async function openRaw(fleet: FleetDescription): Promise<RawBroker[]> {
  return Promise.all(
    fleet.brokers.map(async (broker) => {
      if (!broker.local) throw new Error(`${broker.id}: no local URL`);
      const connection = await connect(broker.local.url);
      connection.on('error', () => undefined);
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      return { id: broker.id, url: broker.local.url, connection, channel };
    }),
  );
}

async function purge(brokers: readonly RawBroker[]): Promise<number> {
  const replies = await Promise.all(brokers.map((b) => b.channel.purgeQueue(QUEUE)));
  return replies.reduce((sum, reply) => sum + reply.messageCount, 0);
}

/** Messages ready in `tasks` on each broker. */
async function depths(brokers: readonly RawBroker[]): Promise<number[]> {
  return Promise.all(brokers.map(async (b) => (await b.channel.checkQueue(QUEUE)).messageCount));
}

/** Publishes `counts[i]` messages to broker i, as warren would publish them, and waits for every confirm. */
async function load(brokers: readonly RawBroker[], counts: readonly number[]): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000);
  await Promise.all(
    brokers.map(async (broker, b) => {
      const count = counts[b] ?? 0;
      for (let sent = 0; sent < count; ) {
        const size = Math.min(LOAD_BATCH, count - sent);
        for (let i = 0; i < size; i++) {
          broker.channel.sendToQueue(QUEUE, PAYLOAD, {
            persistent: true,
            contentType: 'application/json',
            messageId: randomUUID(),
            timestamp,
          });
        }
        sent += size;
        await broker.channel.waitForConfirms();
      }
    }),
  );
}

// ---------------------------------------------------------------------------
// The variants. Each consumes `total` messages and resolves once it has seen them all.

interface Consumed {
  /** Start until the last message was handled. */
  readonly ms: number;
  /** Start until the first message was handled: registry read and connects. */
  readonly firstMs: number;
  readonly seen: number;
  readonly timedOut: boolean;
  /** Closes the consumer (untimed). */
  readonly close: () => Promise<void>;
}

interface Variant {
  readonly name: string;
  /** How many of the TOTAL messages to load on each broker for repetition `rep`. */
  spread(rep: number): number[];
  consume(rep: number, total: number): Promise<Consumed>;
}

/** Resolves when `count` reaches `total`, or with 'timeout'. */
function counter(total: number) {
  const started = performance.now();
  let seen = 0;
  let firstAt: number | undefined;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  return {
    started,
    hit() {
      firstAt ??= performance.now();
      seen += 1;
      if (seen === total) done();
    },
    async wait() {
      const outcome = await within(all, RUN_TIMEOUT_MS - (performance.now() - started));
      const ms = performance.now() - started;
      return {
        ms,
        firstMs: (firstAt ?? performance.now()) - started,
        seen,
        timedOut: outcome === 'timeout',
      };
    },
  };
}

const even = () => Array.from({ length: BROKERS }, () => PER_BROKER);

function warrenVariant(registry: DynamoDbHealthRegistry): Variant {
  return {
    name: 'warren createConsumer (3 brokers)',
    spread: even,
    async consume(_rep, total) {
      const count = counter(total);
      const consumer = createConsumer({
        registry,
        queue: QUEUE,
        topology: defaultTopology,
        prefetch: PREFETCH,
        credentialsFor: async () => LOCAL_CREDENTIALS,
        handler: async () => {
          count.hit();
        },
      });
      const result = await count.wait();
      return { ...result, close: () => consumer.stop() };
    },
  };
}

/** Raw amqplib on `urls`: one connection and channel each, prefetch, an ack per message in the callback. */
async function rawConsume(urls: readonly string[], total: number): Promise<Consumed> {
  const count = counter(total);
  const opened = await Promise.all(
    urls.map(async (url) => {
      const connection = await connect(url);
      connection.on('error', () => undefined);
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.prefetch(PREFETCH);
      const { consumerTag } = await channel.consume(
        QUEUE,
        (delivery) => {
          if (delivery === null) return;
          count.hit();
          channel.ack(delivery);
        },
        { noAck: false },
      );
      return { connection, channel, consumerTag };
    }),
  );
  const result = await count.wait();
  return {
    ...result,
    close: async () => {
      for (const { connection, channel, consumerTag } of opened) {
        await channel.cancel(consumerTag).catch(() => undefined);
        await channel.close().catch(() => undefined);
        await connection.close().catch(() => undefined);
      }
    },
  };
}

function rawOneVariant(brokers: readonly RawBroker[]): Variant {
  const which = (rep: number) => rep % brokers.length;
  return {
    name: 'raw amqplib, 1 broker (baseline)',
    spread: (rep) => brokers.map((_, i) => (i === which(rep) ? TOTAL : 0)),
    consume: (rep, total) => rawConsume([brokers[which(rep)]?.url ?? ''], total),
  };
}

function rawThreeVariant(brokers: readonly RawBroker[]): Variant {
  return {
    name: 'raw amqplib, 3 brokers',
    spread: even,
    consume: (_rep, total) =>
      rawConsume(
        brokers.map((b) => b.url),
        total,
      ),
  };
}

// ---------------------------------------------------------------------------
// Runs.

interface Run {
  readonly ms: number;
  readonly firstMs: number;
  readonly seen: number;
  readonly timedOut: boolean;
  /** Messages left in `tasks` (all brokers) after the consumer stopped: unacked or never delivered. */
  readonly left: number;
  readonly clientCpuMs: number;
  readonly brokerCpuMs: number | undefined;
  readonly machineBusy: number | undefined;
}

async function consumeRun(
  variant: Variant,
  rep: number,
  total: number,
  brokers: readonly RawBroker[],
  brokerPids: readonly number[],
): Promise<Run> {
  await purge(brokers);
  const spread = variant.spread(rep).map((n) => Math.round((n * total) / TOTAL));
  await load(brokers, spread);
  await sleep(SETTLE_MS);
  const loaded = await depths(brokers);
  if (loaded.some((n, i) => n !== spread[i]))
    throw new Error(`loaded ${loaded.join('/')}, wanted ${spread.join('/')}`);
  const want = spread.reduce((a, b) => a + b, 0);

  const brokersBefore = await processesCpuMs(brokerPids);
  const machineBefore = await machineCpu();
  const cpuBefore = cpuMs();
  const consumed = await variant.consume(rep, want);
  const clientCpuMs = cpuMs() - cpuBefore;
  const machineAfter = await machineCpu();
  const brokersAfter = await processesCpuMs(brokerPids);

  await consumed.close();
  const left = (await depths(brokers)).reduce((a, b) => a + b, 0);
  await purge(brokers);
  const machineTotal = machineBefore && machineAfter ? machineAfter.total - machineBefore.total : 0;
  return {
    ms: consumed.ms,
    firstMs: consumed.firstMs,
    seen: consumed.seen,
    timedOut: consumed.timedOut,
    left,
    clientCpuMs,
    brokerCpuMs:
      brokersBefore === undefined || brokersAfter === undefined
        ? undefined
        : brokersAfter - brokersBefore,
    machineBusy:
      machineBefore && machineAfter && machineTotal > 0
        ? (machineAfter.busy - machineBefore.busy) / machineTotal
        : undefined,
  };
}

/** The variants in an order that rotates with `turn`, so none always goes first. */
const rotated = <T>(items: readonly T[], turn: number) =>
  items.map((_, i) => items[(i + turn) % items.length] as T);

async function main(): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'warren-bench-consume-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    console.error('starting a fleet of 3 brokers (child process)...');
    const host = await startFleetChild(fileURLToPath(import.meta.url), dataDir);
    cleanups.push(async () => {
      console.error('stopping the fleet...');
      await host.stop();
    });
    const { fleet } = host;

    const brokers = await openRaw(fleet);
    cleanups.push(async () => {
      await Promise.all(brokers.map((b) => b.connection.close().catch(() => undefined)));
    });
    const server = brokers[0]?.connection.connection.serverProperties;
    const brokerPids = await brokerPidsOf(fleet);

    // warren's consumer reads its brokers from a fresh registry table in the fleet's dynalite.
    const clients = createDynamoDbClients({ endpoint: fleet.registry.endpoint });
    cleanups.push(async () => clients.client.destroy());
    const tableName = `bench-consume-${process.pid}-${Date.now()}`;
    await createRegistryTable(clients.client, tableName);
    const registry = new DynamoDbHealthRegistry({ client: clients.documentClient, tableName });
    for (const broker of fleet.brokers) {
      await registry.registerNode({ id: broker.id, endpoint: broker.endpoint }, new Date());
    }

    const rawOne = rawOneVariant(brokers);
    const rawThree = rawThreeVariant(brokers);
    const warren = warrenVariant(registry);
    const variants: Variant[] = [rawOne, warren, rawThree];

    console.error('warming up...');
    for (const variant of variants)
      await consumeRun(variant, 0, BROKERS * WARMUP_PER_BROKER, brokers, brokerPids);

    const runs = new Map<Variant, Run[]>(variants.map((v) => [v, []]));
    const rateOf = (run: Run) => run.seen / (run.ms / 1000);
    const loadBefore = loadavg();
    for (let rep = 0; rep < REPS; rep++) {
      const order = rotated(variants, rep);
      for (const variant of order) {
        const run = await consumeRun(variant, rep, TOTAL, brokers, brokerPids);
        runs.get(variant)?.push(run);
      }
      console.error(
        `rep ${rep + 1}/${REPS}: ` +
          order
            .map((v) => {
              const run = runs.get(v)?.at(-1);
              return `${v.name} ${run ? Math.round(rateOf(run)) : '?'} msg/s`;
            })
            .join(', '),
      );
    }
    const loadAfter = loadavg();

    const cpu = cpus();
    const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(
      `machine: ${cpu.length} cores (${cpu[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
        `Linux ${release()}, node ${process.version}, RabbitMQ ${server?.version} (${server?.platform}); ` +
        `load average ${loads(loadBefore)} before, ${loads(loadAfter)} after`,
    );
    console.log(
      `settings: ${REPS} reps; ${TOTAL} persistent ${PAYLOAD.length} B JSON messages per run in "${QUEUE}" ` +
        `(${PER_BROKER} on each of 3 brokers, or all ${TOTAL} on one for the baseline, rotating); ` +
        `prefetch ${PREFETCH} per channel; no-op handler; timed from before connecting to the last message handled`,
    );

    /** Each repetition's rate over `base`'s rate in the same repetition. */
    const ratios = (variant: Variant, base: Variant) =>
      (runs.get(variant) ?? []).map((run, i) => {
        const other = runs.get(base)?.[i];
        return other ? rateOf(run) / rateOf(other) : Number.NaN;
      });
    const describeRatios = (list: number[]) =>
      `${median(list).toFixed(3)} (${Math.min(...list).toFixed(2)}-${Math.max(...list).toFixed(2)})`;
    const medianOf = (own: Run[], pick: (run: Run) => number | undefined) => {
      const picked = own.flatMap((run) => {
        const value = pick(run);
        return value === undefined ? [] : [value];
      });
      return picked.length === own.length ? median(picked) : undefined;
    };
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
  } finally {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  }
}

if (values['fleet-host']) await hostFleet(values['fleet-host']);
else await main();
