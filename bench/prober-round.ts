/**
 * Prober rounds: how long one `runProbeRound` takes, and how many registry
 * writes it makes, for (1) three real local brokers, (2) 100 simulated
 * endpoints that fail (half refused at once, half accepting TCP and then
 * silent, like a SIGSTOPped broker) and (3) a fleet of 1 000 endpoints: a tenth
 * hung, a tenth refusing, the rest relayed to the 3 real brokers (a real AMQP
 * handshake, publish and confirm, and the management API's alarm check),
 * probed with the round's bounds (probes in flight, paced writes, spread
 * refreshes) and, as the in-run baseline, with every probe and write at once.
 * The baseline of (2), measured in the same run, is the same kind of probes
 * run one at a time: bounded to 10 and extrapolated to 100. The fleet and the
 * simulated endpoints of (3) run in child processes, so this process holds the
 * prober's sockets only; the registry keeps fleet snapshots, as the Lambda's does.
 *
 *   npx tsx bench/prober-round.ts [--rounds 20] [--refresh-after-ms 3000]
 *     [--fleet 1000] [--fleet-mix 8:1:1] [--fleet-rounds 8] [--fleet-interval-ms 15000] [--fleet-no-management] [--fleet-only] [--skip-unbounded]
 */
import { createServer, type Server, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ProbeOutcome } from '../src/core/probe-outcome.js';
import { REFRESH_AFTER_INTERVALS } from '../src/core/staleness.js';
import { createRegistryTable } from '../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { DEFAULT_SNAPSHOT_COPIES } from '../src/dynamodb/registry-table.js';
import { findFreePorts } from '../src/fleet/free-ports.js';
import { LOCAL_CREDENTIALS } from '../src/fleet/local-brokers.js';
import {
  DEFAULT_PROBE_OPTIONS,
  type ProbeTarget,
  probeBroker,
} from '../src/prober/probe-broker.js';
import {
  DEFAULT_HEALTH_WRITES_PER_SECOND,
  DEFAULT_PROBE_CONCURRENCY,
  type RoundSummary,
  runProbeRound,
} from '../src/prober/probe-round.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';
import { fleetReportRows } from './prober-round/fleet-report.js';
import { type FleetMix, runScenario, scenarioTargets } from './prober-round/fleet-scenario.js';
import { serveEndpoints, startSimulatedEndpoints } from './prober-round/simulated-endpoints.js';
import { openBenchFleet } from './support/bench-fleet.js';
import { Cleanups } from './support/cleanups.js';
import { hostFleet } from './support/fleet-host.js';
import { integerFlag } from './support/integer-flag.js';
import { machineLine } from './support/machine-line.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    'refresh-after-ms': { type: 'string' },
    fleet: { type: 'string' },
    'fleet-mix': { type: 'string' },
    'fleet-no-management': { type: 'boolean' },
    'fleet-rounds': { type: 'string' },
    'fleet-interval-ms': { type: 'string' },
    'fleet-only': { type: 'boolean' },
    'skip-unbounded': { type: 'boolean' },
    'fleet-host': { type: 'string' },
    'endpoints-host': { type: 'string' },
  },
});
const rounds = integerFlag(values, 'rounds', 20, 3, 500);
/** Endpoints in the fleet scenario (0 skips it); a multiple of 10: 80 % healthy, 10 % hung, 10 % refusing. */
const FLEET = integerFlag(values, 'fleet', 1_000, 0, 2_000);
if (FLEET % 10 !== 0) throw new Error('--fleet: a multiple of 10');
const FLEET_ROUNDS = integerFlag(values, 'fleet-rounds', 8, 4, 100);
/** The Lambda's interval: a round over 1 000 real probes on 2 cores takes longer than the local fleet's 2 s. */
const FLEET_INTERVAL_MS = integerFlag(values, 'fleet-interval-ms', 15_000, 1_000, 60_000);
/** Tenths healthy:hung:refused, e.g. 0:1:9 for a round whose only slow probes are the hung ones. */
const FLEET_MIX = parseMix(values['fleet-mix'] ?? '8:1:1');
function parseMix(text: string): FleetMix {
  const [healthy, hung, refused] = text.split(':').map(Number);
  const mix = { healthy: healthy ?? -1, hung: hung ?? -1, refused: refused ?? -1 };
  const parts = Object.values(mix);
  if (!parts.every((n) => Number.isInteger(n) && n >= 0) || parts.reduce((a, b) => a + b) !== 10)
    throw new Error('--fleet-mix: healthy:hung:refused in tenths, summing to 10');
  return mix;
}

/** The local fleet's prober interval. */
const INTERVAL_MS = 2_000;
/** Default: what `startFleet` passes (REFRESH_AFTER_INTERVALS probe intervals). */
const REFRESH_AFTER_MS = Number(
  values['refresh-after-ms'] ?? REFRESH_AFTER_INTERVALS * INTERVAL_MS,
);
if (!(REFRESH_AFTER_MS > 0 && REFRESH_AFTER_MS <= 60_000))
  throw new Error('--refresh-after-ms: 1..60000');
const SIMULATED = { refused: 50, hanging: 50 } as const;
const SIMULATED_ROUNDS = 4;
const SEQUENTIAL_PER_KIND = 5;

const median = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const p90 = (samples: number[]) =>
  [...samples].sort((a, b) => a - b)[Math.ceil(0.9 * samples.length) - 1] ?? 0;
const ms = (value: number) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;
const probe = (target: ProbeTarget) =>
  probeBroker(target, { ...DEFAULT_PROBE_OPTIONS, credentials: LOCAL_CREDENTIALS });
const describe = (outcome: ProbeOutcome) =>
  outcome.result === 'failed' ? `${outcome.stage}: ${outcome.reason}` : outcome.result;

/** Listeners that accept TCP and never send a byte: the AMQP handshake hangs. */
async function startHangingServers(count: number) {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  for (let i = 0; i < count; i++) {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      // Drain what the prober sends, so its FIN is seen and 'close' counts it; never answer.
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  };
  return { ports, openSockets: () => sockets.size, close };
}

interface TimedRound {
  readonly wallMs: number;
  readonly summary: RoundSummary;
}

/** Runs `count` rounds start-to-start every INTERVAL_MS, as the prober loop does. */
async function timedRounds(registry: DynamoDbHealthRegistry, count: number): Promise<TimedRound[]> {
  const results: TimedRound[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    // No jitter: the fleet's prober adds up to 200 ms; here it would only blur round times.
    const summary = await runProbeRound({ registry, probe, refreshAfterMs: REFRESH_AFTER_MS });
    const wallMs = performance.now() - started;
    results.push({ wallMs, summary });
    if (i < count - 1) await sleep(Math.max(0, INTERVAL_MS - wallMs));
  }
  return results;
}

async function main(): Promise<void> {
  const cleanups = new Cleanups();
  try {
    const loadBefore = loadavg();
    const hanging = await startHangingServers(SIMULATED.hanging);
    cleanups.add(hanging.close);
    console.error('starting a fleet of 3 brokers (child process)...');
    const entry = fileURLToPath(import.meta.url);
    const { fleet, server } = await openBenchFleet(
      { name: 'prober', mode: 'child', entry },
      cleanups,
    );
    const clients = createDynamoDbClients({ endpoint: fleet.registry.endpoint });
    cleanups.add(async () => clients.client.destroy());

    // With fleet snapshots, as the prober Lambda's registry (functions/prober.ts).
    const freshRegistry = async (label: string) => {
      const tableName = `bench-prober-${label}-${process.pid}-${Date.now()}`;
      await createRegistryTable(clients.client, tableName);
      return new DynamoDbHealthRegistry({
        client: clients.documentClient,
        tableName,
        snapshotCopies: DEFAULT_SNAPSHOT_COPIES,
      });
    };
    const rows: [string, string][] = [];
    const o = DEFAULT_PROBE_OPTIONS;
    const worstCaseMs =
      o.tcpTimeoutMs + 2 * o.amqpTimeoutMs + o.publishTimeoutMs + o.managementTimeoutMs + 1_000;
    if (!values['fleet-only'])
      rows.push(...(await smallScenarios(fleet, freshRegistry, hanging, worstCaseMs)));
    if (FLEET > 0)
      rows.push(...(await fleetScenario(fleet, freshRegistry, entry, worstCaseMs, cleanups)));

    console.log(
      `${machineLine({ server, loadBefore, loadAfter: loadavg() })}; date ${new Date().toISOString()}`,
    );
    console.log(
      `rounds: ${rounds}; probe timeouts (DEFAULT_PROBE_OPTIONS): tcp ${o.tcpTimeoutMs}, amqp ${o.amqpTimeoutMs} ` +
        `(handshake, then channel), publish ${o.publishTimeoutMs}, management ${o.managementTimeoutMs}, ` +
        `close 1000 ms; degraded over ${o.degradedLatencyMs} ms; jitter 0; ` +
        `interval ${INTERVAL_MS} ms start-to-start, refreshAfterMs ${REFRESH_AFTER_MS}; ` +
        `fleet scenario: ${FLEET} endpoints (tenths healthy:hung:refused ${FLEET_MIX.healthy}:${FLEET_MIX.hung}:${FLEET_MIX.refused}${values['fleet-no-management'] ? ', no management API' : ''}), ${FLEET_ROUNDS} rounds ${FLEET_INTERVAL_MS} ms apart, refreshAfterMs ` +
        `${REFRESH_AFTER_INTERVALS * FLEET_INTERVAL_MS}, bounded = probeConcurrency ${DEFAULT_PROBE_CONCURRENCY}, ` +
        `healthWritesPerSecond ${DEFAULT_HEALTH_WRITES_PER_SECOND}, refreshes spread; ` +
        `registry snapshot copies ${DEFAULT_SNAPSHOT_COPIES}`,
    );
    for (const [label, value] of rows) console.log(`${label.padEnd(56)} ${value}`);
  } finally {
    await cleanups.run();
  }
}

type Fleet = Awaited<ReturnType<typeof openBenchFleet>>['fleet'];
type FreshRegistry = (label: string) => Promise<DynamoDbHealthRegistry>;

/** (1) three real brokers and (2) 100 simulated failing endpoints, with the sequential baseline. */
async function smallScenarios(
  fleet: Fleet,
  freshRegistry: FreshRegistry,
  hanging: Awaited<ReturnType<typeof startHangingServers>>,
  worstCaseMs: number,
): Promise<[string, string][]> {
  // 1 + 3a/3b: three real brokers.
  const real = await freshRegistry('real');
  for (const broker of fleet.brokers) {
    await real.registerNode(
      {
        id: broker.id,
        endpoint: broker.endpoint,
        ...(broker.managementEndpoint && { managementEndpoint: broker.managementEndpoint }),
      },
      new Date(),
    );
  }
  console.error(`${rounds} rounds over ${fleet.brokers.length} real brokers...`);
  const realRounds = await timedRounds(real, rounds);
  const latencies = realRounds.flatMap(({ summary }) =>
    Object.values(summary.outcomes).flatMap((o) => ('latencyMs' in o ? [o.latencyMs] : [])),
  );
  const realResults = realRounds.flatMap(({ summary }) =>
    Object.values(summary.outcomes).map((o) => o.result),
  );
  const realWrites = realRounds.map(({ summary }) => summary.writes);
  const steadyWrites = realWrites.slice(2);
  // When each refresh landed (a round's writes happen just after its probes end).
  const writtenAt = realRounds
    .slice(1)
    .filter(({ summary }) => summary.writes > 0)
    .map(({ summary }) => Date.parse(summary.startedAt) + summary.durationMs);
  const refreshGaps = writtenAt.slice(1).map((at, i) => at - (writtenAt[i] ?? at));

  // 2 + 3c: 100 simulated endpoints, concurrently.
  const refusedPorts = await findFreePorts(SIMULATED.refused); // released again: nobody listens
  const sim = await freshRegistry('sim');
  const targets = [
    ...refusedPorts.map((port, i) => ({ id: `refused-${i + 1}`, port })),
    ...hanging.ports.map((port, i) => ({ id: `hanging-${i + 1}`, port })),
  ];
  for (const { id, port } of targets) {
    await sim.registerNode({ id, endpoint: `amqp://127.0.0.1:${port}` }, new Date());
  }
  console.error(`${SIMULATED_ROUNDS} rounds over ${targets.length} simulated endpoints...`);
  const simRounds = await timedRounds(sim, SIMULATED_ROUNDS);
  const { nodes: simNodes } = await sim.listNodes();

  // Baseline: the same probes one at a time, bounded to 10 and extrapolated to 100.
  console.error(`baseline: ${2 * SEQUENTIAL_PER_KIND} sequential probes...`);
  const sequential: { kind: 'refused' | 'hanging'; ms: number; outcome: ProbeOutcome }[] = [];
  for (const kind of ['refused', 'hanging'] as const) {
    for (const { id, port } of targets
      .filter((t) => t.id.startsWith(kind))
      .slice(0, SEQUENTIAL_PER_KIND)) {
      const started = performance.now();
      const outcome = await probe({ id, endpoint: `amqp://127.0.0.1:${port}` });
      sequential.push({ kind, ms: performance.now() - started, outcome });
    }
  }
  const perKind = (kind: 'refused' | 'hanging') =>
    median(sequential.filter((s) => s.kind === kind).map((s) => s.ms));
  const sequentialEstimate =
    SIMULATED.refused * perKind('refused') + SIMULATED.hanging * perKind('hanging');
  const slowestSingle = Math.max(...sequential.map((s) => s.ms));
  const concurrent = median(simRounds.map((r) => r.wallMs));
  await sleep(500); // lets any socket a probe left behind show up below

  const o = DEFAULT_PROBE_OPTIONS;
  const outcomeKinds = [
    ...new Set(simRounds.flatMap((r) => Object.values(r.summary.outcomes).map(describe))),
  ];
  const states = (prefix: string) =>
    [...new Set(simNodes.filter((n) => n.id.startsWith(prefix)).map((n) => n.health.state))].join(
      '/',
    );

  return [
    [
      '3 real brokers: round (wall, incl. writes)',
      `median ${ms(median(realRounds.map((r) => r.wallMs)))}, p90 ${ms(p90(realRounds.map((r) => r.wallMs)))}`,
    ],
    [
      '3 real brokers: list + probes (phases.probesMs)',
      `median ${ms(median(realRounds.map((r) => r.summary.phases.probesMs)))}`,
    ],
    [
      '3 real brokers: publish-confirm latency',
      `median ${ms(median(latencies))}, p90 ${ms(p90(latencies))} (${latencies.length} probes)`,
    ],
    [
      '3 real brokers: outcomes',
      ['ok', 'degraded', 'blocked', 'failed']
        .map((r) => `${r} ${realResults.filter((x) => x === r).length}`)
        .join(', '),
    ],
    ['writes: first round (all new)', `${realWrites[0]}`],
    ['writes: second round', `${realWrites[1]} (successes counter 1 -> rise=2)`],
    [
      `writes: steady state, rounds 3..${rounds}`,
      `mean ${(steadyWrites.reduce((a, b) => a + b, 0) / steadyWrites.length).toFixed(2)}/round; ` +
        `per round ${steadyWrites.join(' ')}`,
    ],
    [
      'refresh gaps (steady state)',
      `${refreshGaps.filter((g) => g < 2.5 * INTERVAL_MS).length} x 2 rounds, ` +
        `${refreshGaps.filter((g) => g >= 2.5 * INTERVAL_MS).length} x 3+ rounds; ` +
        `max ${ms(Math.max(0, ...refreshGaps))} (readers call > ${3 * INTERVAL_MS} ms stale)`,
    ],
    [
      '100 simulated: round (wall, incl. writes)',
      `median ${ms(concurrent)}; per round ${simRounds.map((r) => ms(r.wallMs)).join(', ')} ` +
        `(list + probes: ${simRounds.map((r) => ms(r.summary.phases.probesMs)).join(', ')})`,
    ],
    [
      '100 simulated: writes per round',
      `${simRounds.map((r) => r.summary.writes).join(', ')}; transitions ` +
        `${simRounds.map((r) => r.summary.transitions.length).join(', ')}`,
    ],
    [
      '100 simulated: after the rounds',
      `refused ${states('refused')}, hanging ${states('hanging')}; outcomes: ${outcomeKinds.join('; ')}`,
    ],
    [
      'sequential probe (baseline)',
      `median refused ${ms(perKind('refused'))}, hanging ${ms(perKind('hanging'))}; slowest ${ms(slowestSingle)}`,
    ],
    [
      '100 sequential (extrapolated from 10)',
      `${ms(sequentialEstimate)} = 50 x refused + 50 x hanging medians`,
    ],
    [
      'concurrent / sequential',
      `${(concurrent / sequentialEstimate).toFixed(3)} (${(sequentialEstimate / concurrent).toFixed(1)}x faster)`,
    ],
    [
      'concurrent round / slowest single probe',
      `${(concurrent / slowestSingle).toFixed(2)}x; / amqp timeout ${(concurrent / o.amqpTimeoutMs).toFixed(2)}x; ` +
        `/ worst-case probe bound ${ms(worstCaseMs)} ${(concurrent / worstCaseMs).toFixed(2)}x`,
    ],
    ['sockets left open on hanging listeners', `${hanging.openSockets()}`],
  ];
}

/** (3) the fleet scenario, bounded and (unless skipped) unbounded, each on a fresh registry table. */
async function fleetScenario(
  fleet: Fleet,
  freshRegistry: FreshRegistry,
  entry: string,
  worstCaseMs: number,
  cleanups: Cleanups,
): Promise<[string, string][]> {
  const endpoints = await startSimulatedEndpoints(entry, {
    hanging: (FLEET * FLEET_MIX.hung) / 10,
    relayed: (FLEET * FLEET_MIX.healthy) / 10,
    amqpPorts: fleet.brokers.map((b) => Number(new URL(b.endpoint).port)),
    // Left out with --fleet-no-management: the probe then ends at the publish confirm.
    managementPorts: values['fleet-no-management']
      ? []
      : fleet.brokers.flatMap((b) =>
          b.managementEndpoint ? [Number(new URL(b.managementEndpoint).port)] : [],
        ),
  });
  cleanups.add(endpoints.stop);
  // Released again: nobody listens.
  const refusedPorts = await findFreePorts((FLEET * FLEET_MIX.refused) / 10);
  const targets = scenarioTargets(FLEET, endpoints.ports, refusedPorts, FLEET_MIX);
  const rows: [string, string][] = [];
  const variants = values['skip-unbounded']
    ? (['bounded'] as const)
    : (['bounded', 'unbounded'] as const);
  for (const variant of variants) {
    const registry = await freshRegistry(`fleet-${variant}`);
    console.error(`${FLEET_ROUNDS} rounds over ${FLEET} endpoints, ${variant}...`);
    const scenarioRounds = await runScenario({
      registry,
      targets,
      probe,
      variant,
      rounds: FLEET_ROUNDS,
      intervalMs: FLEET_INTERVAL_MS,
      refreshAfterMs: REFRESH_AFTER_INTERVALS * FLEET_INTERVAL_MS,
      socketCounts: () => endpoints.counts(),
    });
    const { nodes } = await registry.listNodes();
    rows.push(
      ...fleetReportRows({
        label: `${FLEET} ${variant}`,
        rounds: scenarioRounds,
        targets,
        nodes,
        amqpTimeoutMs: DEFAULT_PROBE_OPTIONS.amqpTimeoutMs,
        worstCaseMs,
      }),
    );
  }
  return rows;
}

if (values['fleet-host']) await hostFleet(values['fleet-host']);
else if (values['endpoints-host']) await serveEndpoints(values['endpoints-host']);
else await main();
