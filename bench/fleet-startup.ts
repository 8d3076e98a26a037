/**
 * Local fleet start-up: time until `startFleet` is ready with N brokers, against
 * a baseline measured in the same run, one bare `rabbitmq-server` boot (the
 * floor: nothing warren adds can be faster). Also times a clean stop.
 *
 *   npx tsx bench/fleet-startup.ts [--runs 3] [--nodes 3]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBroker, waitForAmqp } from '../src/fleet/broker-process.js';
import { type BrokerSpec, nodeNameFor, writeBrokerFiles } from '../src/fleet/broker-spec.js';
import { startFleet } from '../src/fleet/fleet.js';
import { findFreePorts } from '../src/fleet/free-ports.js';
import { locateRabbitMq } from '../src/fleet/rabbitmq-install.js';
import { median } from './support/measure.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({ options: { runs: { type: 'string' }, nodes: { type: 'string' } } });
const runs = Number(values.runs ?? 3);
const nodes = Number(values.nodes ?? 3);

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function bareBroker(): Promise<{ bootMs: number; stopMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'warren-bench-bare-'));
  const [amqpPort, distPort, managementPort] = (await findFreePorts(3)) as [number, number, number];
  const spec: BrokerSpec = {
    id: 'bare',
    nodeName: nodeNameFor(dir, 'bare'),
    dir,
    amqpPort,
    distPort,
    managementPort,
  };
  await writeBrokerFiles(spec);
  const started = Date.now();
  const broker = launchBroker(spec, locateRabbitMq(process.env));
  await waitForAmqp(spec, broker, `amqp://guest:guest@127.0.0.1:${amqpPort}`, {
    timeoutMs: 60_000,
  });
  const bootMs = Date.now() - started;
  const stopping = Date.now();
  await broker.stop(20_000);
  const stopMs = Date.now() - stopping;
  await rm(dir, { recursive: true, force: true });
  return { bootMs, stopMs };
}

async function fleet(dataDir: string): Promise<{ readyMs: number; stopMs: number }> {
  const started = Date.now();
  const running = await startFleet({ dataDir, nodes, port: 0 });
  const readyMs = Date.now() - started;
  const stopping = Date.now();
  await running.stop();
  return { readyMs, stopMs: Date.now() - stopping };
}

const bare: { bootMs: number; stopMs: number }[] = [];
const fresh: { readyMs: number; stopMs: number }[] = [];
const warm: { readyMs: number; stopMs: number }[] = [];
for (let run = 1; run <= runs; run++) {
  bare.push(await bareBroker());
  const dataDir = await mkdtemp(join(tmpdir(), 'warren-bench-fleet-'));
  fresh.push(await fleet(dataDir)); // first boot: empty data directories
  warm.push(await fleet(dataDir)); // second boot: existing data, like `npm start` again
  await rm(dataDir, { recursive: true, force: true });
  console.error(`run ${run}/${runs} done`);
}

const bareBoot = median(bare.map((s) => s.bootMs));
console.log(
  `machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}; runs: ${runs}`,
);
console.log(
  `bare rabbitmq-server boot (baseline)   median ${seconds(bareBoot)} s, stop ${seconds(median(bare.map((s) => s.stopMs)))} s`,
);
for (const [label, samples] of [
  [`fleet of ${nodes}, fresh data dir`, fresh],
  [`fleet of ${nodes}, existing data dir`, warm],
] as const) {
  const ready = median(samples.map((s) => s.readyMs));
  console.log(
    `${label.padEnd(38)} median ready ${seconds(ready)} s (${(ready / bareBoot).toFixed(2)}x bare boot), ` +
      `stop ${seconds(median(samples.map((s) => s.stopMs)))} s; samples ${samples.map((s) => seconds(s.readyMs)).join(', ')}`,
  );
}
