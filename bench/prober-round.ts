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
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REFRESH_AFTER_INTERVALS } from '../src/core/staleness.js';
import { createRegistryTable } from '../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { DEFAULT_SNAPSHOT_COPIES } from '../src/dynamodb/registry-table.js';
import { findFreePorts } from '../src/fleet/free-ports.js';
import { DEFAULT_PROBE_OPTIONS } from '../src/prober/probe-broker.js';
import {
  DEFAULT_HEALTH_WRITES_PER_SECOND,
  DEFAULT_PROBE_CONCURRENCY,
} from '../src/prober/probe-round.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';
import { fleetReportRows } from './prober-round/fleet-report.js';
import { type FleetMix, runScenario, scenarioTargets } from './prober-round/fleet-scenario.js';
import { serveEndpoints, startSimulatedEndpoints } from './prober-round/simulated-endpoints.js';
import {
  DEFAULT_REFRESH_AFTER_MS,
  type Fleet,
  type FreshRegistry,
  INTERVAL_MS,
  probe,
  smallScenarios,
} from './prober-round/small-scenarios.js';
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

/** Default: what `startFleet` passes (REFRESH_AFTER_INTERVALS probe intervals). */
const REFRESH_AFTER_MS = Number(values['refresh-after-ms'] ?? DEFAULT_REFRESH_AFTER_MS);
if (!(REFRESH_AFTER_MS > 0 && REFRESH_AFTER_MS <= 60_000))
  throw new Error('--refresh-after-ms: 1..60000');

async function main(): Promise<void> {
  const cleanups = new Cleanups();
  try {
    const loadBefore = loadavg();
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
      rows.push(
        ...(await smallScenarios(fleet, freshRegistry, worstCaseMs, cleanups, {
          rounds,
          refreshAfterMs: REFRESH_AFTER_MS,
        })),
      );
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
