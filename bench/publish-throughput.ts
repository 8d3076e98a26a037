import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { createRegistryTable } from '../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { startFleet } from '../src/fleet/fleet.js';
import type { FleetDescription } from '../src/fleet/fleet-state.js';
import { LOCAL_CREDENTIALS } from '../src/fleet/local-brokers.js';
import { runProbeRound } from '../src/prober/probe-round.js';
import type { Destination, MessageResult, Publisher } from '../src/publish/publisher.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';
import { createProberService } from '../src/service/create-prober-service.js';
import { createPublishService } from '../src/service/create-publish-service.js';
import {
  brokerPidsOf,
  type FleetHandle,
  hostFleet,
  startFleetChild,
} from './support/fleet-host.js';
import { cpuMs, machineCpu, median, processesCpuMs, within } from './support/measure.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: {
    path: { type: 'string' },
    reps: { type: 'string' },
    messages: { type: 'string' },
    batch: { type: 'string' },
    'in-flight': { type: 'string' },
    'latency-samples': { type: 'string' },
    fleet: { type: 'string' },
    'fleet-host': { type: 'string' }, // internal: this file, forked, runs the fleet
  },
});

const integer = (name: string, fallback: number, min: number, max: number) => {
  const value = Number(values[name as keyof typeof values] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name}: ${min}..${max}`);
  return value;
};
const PATH = values.path ?? 'both';
if (!['library', 'http', 'both'].includes(PATH)) throw new Error('--path: library|http|both');
const FLEET_MODE = values.fleet ?? 'child';
if (!['child', 'in-process'].includes(FLEET_MODE)) throw new Error('--fleet: child|in-process');
const REPS = integer('reps', 7, 1, 50);
const MESSAGES = integer('messages', 20_000, 100, 200_000);
const BATCH = integer('batch', 100, 1, 500);
const IN_FLIGHT = integer('in-flight', 4, 1, 32);
const LATENCY_SAMPLES = integer('latency-samples', 1_000, 10, 20_000);

const QUEUE = 'tasks';
const DESTINATION: Destination = { kind: 'queue', queue: QUEUE };
/** A JSON object of exactly 1 KiB once serialised, as warren serialises it. */
const BODY = { kind: 'bench', seq: 1, data: 'x'.repeat(1024 - 34) };
const PAYLOAD = Buffer.from(JSON.stringify(BODY));
if (PAYLOAD.length !== 1024) throw new Error(`payload is ${PAYLOAD.length} bytes, not 1024`);
/** One throughput run (all its batches) gives up after this; a stuck confirm ends the run. */
const RUN_TIMEOUT_MS = 120_000;
/** The whole latency phase stops after this, whatever the sample count. */
const LATENCY_BUDGET_MS = 300_000;
const WARMUP_MESSAGES = 2_000;
const WARMUP_SAMPLES = 100;

const percentile = (samples: number[], p: number) =>
  [...samples].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * samples.length) - 1)] ?? 0;
const tally = (counts: Map<string, number>, key: string, by = 1) =>
  counts.set(key, (counts.get(key) ?? 0) + by);
const shares = (counts: Map<string, number>) => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, n]) => `${id} ${Math.round((100 * n) / total)}%`)
    .join(', ');
};
// ---------------------------------------------------------------------------
// The fleet, in a child process (this file, forked) or on this event loop.

async function startFleetHere(dataDir: string): Promise<FleetHandle> {
  const running = await startFleet({ dataDir, nodes: 3, port: 0 });
  const { stop, supervisors: _supervisors, ...fleet } = running;
  return { fleet, hostCpuMs: async () => undefined, stop };
}

// ---------------------------------------------------------------------------
// The variants. Each sends one batch (throughput) or one message (latency).

interface LatencyProbe {
  readonly name: string;
  /** Publishes one message and resolves once it is confirmed, with the broker that took it. */
  single(tag: string, seq: number): Promise<string>;
}

interface Variant extends LatencyProbe {
  /** Publishes messages [index * BATCH, + size), counting them by broker; resolves with how many were accepted. */
  batch(tag: string, index: number, size: number, brokers: Map<string, number>): Promise<number>;
}

interface RawBroker {
  readonly id: string;
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
}

let returned = 0;

async function openRaw(fleet: FleetDescription): Promise<RawBroker[]> {
  return Promise.all(
    fleet.brokers.map(async (broker) => {
      if (!broker.local) throw new Error(`${broker.id}: no local URL`);
      const connection = await connect(broker.local.url);
      connection.on('error', () => undefined);
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      channel.on('return', () => {
        returned += 1;
      });
      return { id: broker.id, connection, channel };
    }),
  );
}

/** Raw amqplib: message i goes to broker i mod 3; each batch is published, then waits for its channels' confirms. */
function rawVariant(brokers: RawBroker[]): Variant {
  return {
    name: 'raw amqplib',
    async batch(tag, index, size, counts) {
      const used = new Set<ConfirmChannel>();
      for (let i = 0; i < size; i++) {
        const { id, channel } = brokers[(index * BATCH + i) % brokers.length] as RawBroker;
        channel.sendToQueue(QUEUE, PAYLOAD, {
          persistent: true,
          mandatory: true,
          messageId: `${tag}-${index}-${i}`,
        });
        used.add(channel);
        tally(counts, id);
      }
      await Promise.all([...used].map((channel) => channel.waitForConfirms()));
      return size;
    },
    single(tag, seq) {
      const broker = brokers[seq % brokers.length] as RawBroker;
      return new Promise((resolve, reject) => {
        broker.channel.sendToQueue(
          QUEUE,
          PAYLOAD,
          { persistent: true, mandatory: true, messageId: `${tag}-${seq}` },
          (error) => (error ? reject(new Error('nacked')) : resolve(broker.id)),
        );
      });
    },
  };
}

const nodeOf = (result: MessageResult | undefined) =>
  result?.status === 'accepted' ? result.node : `failed: ${result?.error}`;

/** warren in process: `publish()` of `{ body }` messages (ids generated), the batch split over the brokers. */
function libraryVariant(publisher: Publisher): Variant {
  return {
    name: 'warren publish()',
    async batch(_tag, _index, size, counts) {
      const messages = Array.from({ length: size }, () => ({ body: BODY }));
      const results = await publisher.publish(DESTINATION, messages);
      for (const result of results) tally(counts, nodeOf(result));
      return results.filter((result) => result.status === 'accepted').length;
    },
    async single() {
      const [result] = await publisher.publish(DESTINATION, [{ body: BODY }]);
      return nodeOf(result);
    },
  };
}

interface WireResults {
  readonly results?: readonly MessageResult[];
}

/**
 * Not a goal, a diagnostic: the same single-message request to a queue the topology
 * lacks, so the API reads, parses and validates it and answers 404 without publishing.
 */
function httpFloorProbe(apiUrl: string): LatencyProbe {
  return {
    name: 'HTTP 404 (floor)',
    async single(tag, seq) {
      const response = await fetch(`${apiUrl}/v1/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          queue: 'no-such-queue',
          messages: [{ id: `${tag}-${seq}`, body: BODY }],
        }),
      });
      await response.arrayBuffer();
      return response.status === 404 ? 'none' : `status ${response.status}`;
    },
  };
}

/** warren over HTTP: `POST /v1/publish` with `{ queue, messages: [{ id, body }] }`, keep-alive `fetch`. */
function httpVariant(apiUrl: string): Variant {
  const url = `${apiUrl}/v1/publish`;
  const post = async (messages: { id: string; body: unknown }[]) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queue: QUEUE, messages }),
    });
    const json = (await response.json()) as WireResults;
    return json.results ?? [];
  };
  return {
    name: 'warren HTTP',
    async batch(tag, index, size, counts) {
      const results = await post(
        Array.from({ length: size }, (_, i) => ({ id: `${tag}-${index}-${i}`, body: BODY })),
      );
      for (const result of results) tally(counts, nodeOf(result));
      return results.filter((result) => result.status === 'accepted').length;
    },
    async single(tag, seq) {
      const [result] = await post([{ id: `${tag}-${seq}`, body: BODY }]);
      return nodeOf(result);
    },
  };
}

// ---------------------------------------------------------------------------
// Runs.

interface Run {
  readonly ms: number;
  readonly accepted: number;
  readonly purged: number;
  readonly clientCpuMs: number;
  readonly hostCpuMs: number | undefined;
  /** The three RabbitMQ VMs together. */
  readonly brokerCpuMs: number | undefined;
  /** Share of the machine's CPU time that was busy during the run, and stolen by the hypervisor. */
  readonly machineBusy: number | undefined;
  readonly machineSteal: number | undefined;
  readonly timedOut: boolean;
  /** Messages per broker. */
  readonly brokers: Map<string, number>;
}

async function purge(brokers: RawBroker[]): Promise<number> {
  const replies = await Promise.all(brokers.map((b) => b.channel.purgeQueue(QUEUE)));
  return replies.reduce((sum, reply) => sum + reply.messageCount, 0);
}

/** `messages` in batches, `IN_FLIGHT` batches at a time; then purges and counts what landed. */
async function throughputRun(
  variant: Variant,
  tag: string,
  messages: number,
  brokers: RawBroker[],
  host: FleetHandle,
  brokerPids: readonly number[],
): Promise<Run> {
  const batches = Math.ceil(messages / BATCH);
  let next = 0;
  let accepted = 0;
  let timedOut = false;
  const counts = new Map<string, number>();
  const hostBefore = await host.hostCpuMs();
  const brokersBefore = await processesCpuMs(brokerPids);
  const machineBefore = await machineCpu();
  const cpuBefore = cpuMs();
  const started = performance.now();
  const deadline = started + RUN_TIMEOUT_MS;
  const worker = async () => {
    while (next < batches && !timedOut) {
      const index = next++;
      const size = Math.min(BATCH, messages - index * BATCH);
      const outcome = await within(
        variant.batch(tag, index, size, counts),
        deadline - performance.now(),
      );
      if (outcome === 'timeout') timedOut = true;
      else accepted += outcome;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const ms = performance.now() - started;
  const clientCpuMs = cpuMs() - cpuBefore;
  const machineAfter = await machineCpu();
  const brokersAfter = await processesCpuMs(brokerPids);
  const hostAfter = await host.hostCpuMs();
  const purged = await purge(brokers);
  const hostCpuMs =
    hostBefore === undefined || hostAfter === undefined ? undefined : hostAfter - hostBefore;
  const brokerCpuMs =
    brokersBefore === undefined || brokersAfter === undefined
      ? undefined
      : brokersAfter - brokersBefore;
  const machineTotal = machineBefore && machineAfter ? machineAfter.total - machineBefore.total : 0;
  const machineBusy =
    machineBefore && machineAfter && machineTotal > 0
      ? (machineAfter.busy - machineBefore.busy) / machineTotal
      : undefined;
  const machineSteal =
    machineBefore && machineAfter && machineTotal > 0
      ? (machineAfter.steal - machineBefore.steal) / machineTotal
      : undefined;
  return {
    ms,
    accepted,
    purged,
    clientCpuMs,
    hostCpuMs,
    brokerCpuMs,
    machineBusy,
    machineSteal,
    timedOut,
    brokers: counts,
  };
}

/** The variants in an order that rotates with `turn`, so none always goes first. */
const rotated = <T>(items: readonly T[], turn: number) =>
  items.map((_, i) => items[(i + turn) % items.length] as T);

async function main(): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'warren-bench-publish-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    console.error(`starting a fleet of 3 brokers (${FLEET_MODE})...`);
    const host =
      FLEET_MODE === 'child'
        ? await startFleetChild(fileURLToPath(import.meta.url), dataDir)
        : await startFleetHere(dataDir);
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
    await purge(brokers);

    // The in-process publisher: a fresh registry table on the fleet's dynalite, the
    // brokers registered and probed healthy (as test/support/publishing.ts does).
    const clients = createDynamoDbClients({ endpoint: fleet.registry.endpoint });
    cleanups.push(async () => clients.client.destroy());
    const tableName = `bench-publish-${process.pid}-${Date.now()}`;
    await createRegistryTable(clients.client, tableName);
    const registry = new DynamoDbHealthRegistry({ client: clients.documentClient, tableName });
    for (const broker of fleet.brokers) {
      await registry.registerNode({ id: broker.id, endpoint: broker.endpoint }, new Date());
    }
    // Probed again (untimed) before each repetition, so 3 x 60 s never passes without a probe.
    const probeIntervalMs = 60_000;
    const credentialsFor = async () => LOCAL_CREDENTIALS;
    const prober = createProberService({ probeIntervalMs }, { registry, credentialsFor });
    const probe = () => runProbeRound({ registry, probe: prober.probe, refreshAfterMs: 0 });
    const firstRound = await probe();
    if (firstRound.eligible !== fleet.brokers.length)
      throw new Error(`only ${firstRound.eligible} brokers eligible after probing`);
    // The Lambda's assembly and settings (cache TTL, deadline, attempt timeout).
    const service = createPublishService({ probeIntervalMs }, { registry, credentialsFor });
    cleanups.push(() => service.close());
    const { publisher } = service;

    const raw = rawVariant(brokers);
    const variants: Variant[] = [raw];
    if (PATH !== 'http') variants.push(libraryVariant(publisher));
    if (PATH !== 'library') variants.push(httpVariant(fleet.apiUrl));
    const probes: LatencyProbe[] = [...variants];
    if (PATH !== 'library') probes.push(httpFloorProbe(fleet.apiUrl));

    // Warm-up: connections opened, code compiled, registry cached; not counted.
    console.error('warming up...');
    for (const variant of variants)
      await throughputRun(
        variant,
        `warm-${variant.name}`,
        WARMUP_MESSAGES,
        brokers,
        host,
        brokerPids,
      );
    for (const variant of probes)
      for (let i = 0; i < WARMUP_SAMPLES; i++) await variant.single('warm', i);
    await purge(brokers);

    const runs = new Map<Variant, Run[]>(variants.map((v) => [v, []]));
    const loadBefore = loadavg();
    for (let rep = 0; rep < REPS; rep++) {
      await probe();
      const order = rotated(variants, rep);
      for (const variant of order) {
        const run = await throughputRun(variant, `r${rep}`, MESSAGES, brokers, host, brokerPids);
        runs.get(variant)?.push(run);
      }
      console.error(
        `rep ${rep + 1}/${REPS}: ` +
          order
            .map((v) => {
              const run = runs.get(v)?.at(-1);
              return `${v.name} ${run ? Math.round(MESSAGES / (run.ms / 1000)) : '?'} msg/s`;
            })
            .join(', '),
      );
    }

    console.error(`latency: ${LATENCY_SAMPLES} single messages per variant, alternating...`);
    await probe();
    const latencies = new Map<LatencyProbe, number[]>(probes.map((v) => [v, []]));
    /** Each variant's samples by the broker that took the message. */
    const byBroker = new Map<LatencyProbe, Map<string, number[]>>(
      probes.map((v) => [v, new Map()]),
    );
    const latencyDeadline = performance.now() + LATENCY_BUDGET_MS;
    for (let i = 0; i < LATENCY_SAMPLES && performance.now() < latencyDeadline; i++) {
      for (const variant of rotated(probes, i)) {
        const started = performance.now();
        const node = await within(variant.single('lat', i), 10_000);
        const elapsed = performance.now() - started;
        latencies.get(variant)?.push(elapsed);
        const own = byBroker.get(variant);
        const samples = own?.get(node) ?? [];
        samples.push(elapsed);
        own?.set(node, samples);
      }
      if (i % 1_000 === 999) await purge(brokers);
    }
    await purge(brokers);
    const loadAfter = loadavg();

    // Report.
    const cpu = cpus();
    const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(
      `machine: ${cpu.length} cores (${cpu[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
        `Linux ${release()}, node ${process.version}, RabbitMQ ${server?.version} (${server?.platform}); ` +
        `load average ${loads(loadBefore)} before, ${loads(loadAfter)} after`,
    );
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
    /** Median over the runs of a per-run figure; undefined unless every run has it. */
    const medianOf = (own: Run[], pick: (run: Run) => number | undefined) => {
      const picked = own.flatMap((run) => {
        const value = pick(run);
        return value === undefined ? [] : [value];
      });
      return picked.length === own.length ? median(picked) : undefined;
    };
    const perMessage = (ms: number | undefined) =>
      ms === undefined ? 'n/a' : `${((1000 * ms) / MESSAGES).toFixed(1)} µs`;
    const percent = (share: number | undefined) =>
      share === undefined ? 'n/a' : `${Math.round(100 * share)}%`;
    console.log(
      '\nthroughput: msg/s median of reps; ratio = median of per-rep ratios to raw (range); ' +
        'CPU per message, median (client = this process, host = the fleet process, ' +
        'brokers = the 3 RabbitMQ VMs); machine = busy share of both cores (of which stolen)',
    );
    for (const variant of variants) {
      const own = runs.get(variant) ?? [];
      const ratios = ratiosOf(variant);
      const brokers = new Map<string, number>();
      for (const run of own) for (const [id, n] of run.brokers) tally(brokers, id, n);
      console.log(
        `${variant.name.padEnd(17)} ${Math.round(median(own.map(rateOf)))} msg/s, ` +
          `ratio ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}), ` +
          `cpu client ${perMessage(medianOf(own, (run) => run.clientCpuMs))} ` +
          `host ${perMessage(medianOf(own, (run) => run.hostCpuMs))} ` +
          `brokers ${perMessage(medianOf(own, (run) => run.brokerCpuMs))}; ` +
          `machine ${percent(medianOf(own, (run) => run.machineBusy))} ` +
          `(${percent(medianOf(own, (run) => run.machineSteal))}); ` +
          `brokers ${shares(brokers)}; samples ${own.map((run) => Math.round(rateOf(run))).join(' ')}`,
      );
    }
    const problems = [...runs].flatMap(([variant, list]) =>
      list.flatMap((run, i) =>
        run.timedOut || run.accepted !== MESSAGES || run.purged !== MESSAGES
          ? [
              `${variant.name} rep ${i + 1}: accepted ${run.accepted}, purged ${run.purged}` +
                `${run.timedOut ? ', timed out' : ''}`,
            ]
          : [],
      ),
    );
    console.log(
      `check: ${problems.length === 0 ? `every run accepted, and ${QUEUE} held, all ${MESSAGES} messages` : `NOT: ${problems.join('; ')}`}; ` +
        `returned as unroutable: ${returned}`,
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
          (samples.length / total) *
            (median(samples) - median(rawByBroker.get(id) ?? [Number.NaN])),
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
        `${variant.name.padEnd(17)} p50 ${median(own).toFixed(3)}, p90 ${percentile(own, 0.9).toFixed(3)}, ` +
          `p99 ${percentile(own, 0.99).toFixed(3)}; p50 - raw ${p50Gap(variant).toFixed(3)}, ` +
          `same brokers ${Number.isNaN(same) ? 'n/a' : same.toFixed(3)}; p50 by broker ${perBroker}`,
      );
    }

    console.log(
      '\ngoals (throughput: median per-rep ratio; latency: p50 gap, then same-broker gap)',
    );
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const goals = [
      { name: 'warren publish()', ratio: 0.95, gapMs: 0.1 },
      { name: 'warren HTTP', ratio: 0.85, gapMs: 1 },
    ];
    for (const goal of goals) {
      const variant = variants.find((v) => v.name === goal.name);
      if (!variant) continue;
      const ratio = median(ratiosOf(variant));
      const gap = p50Gap(variant);
      const same = sameBrokerGap(variant);
      console.log(
        `${goal.name.padEnd(17)} throughput >= ${goal.ratio}x raw: ${ratio.toFixed(3)}x ${verdict(ratio >= goal.ratio)}; ` +
          `p50 <= raw + ${goal.gapMs} ms: ${gap >= 0 ? '+' : ''}${gap.toFixed(3)} ms ${verdict(gap <= goal.gapMs)}, ` +
          `same brokers ${same >= 0 ? '+' : ''}${same.toFixed(3)} ms ${verdict(same <= goal.gapMs)}`,
      );
    }
  } finally {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  }
}

if (values['fleet-host']) await hostFleet(values['fleet-host']);
else await main();
