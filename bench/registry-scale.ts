/**
 * The registry at scale: 3, 30, 300 and 1 000 simulated brokers in dynalite
 * (in this process), registered, probed and read through warren's own code.
 * Measures item sizes, the Query's response and pages, and the capacity each
 * publisher refresh and each probe round consumes (dynalite's
 * ReturnConsumedCapacity beside the figure computed by AWS's rules), for the
 * Query of every broker item and for the fleet snapshot (one GetItem), then
 * prints the cost model of each for 10, 1 000 and 10 000 warm publisher containers.
 *
 *   npx tsx bench/registry-scale.ts [--steady-rounds 4] [--reads 5]
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { DEFAULT_SNAPSHOT_COPIES } from '../src/dynamodb/registry-table.js';
import { startLocalDynamoDb } from '../src/fleet/local-dynamodb.js';
import { recordCalls } from './registry-scale/call-recorder.js';
import {
  printAttributes,
  printCost,
  printFailing,
  printSizes,
  printSnapshot,
} from './registry-scale/report.js';
import { runScale, type ScaleRun } from './registry-scale/scale-run.js';
import {
  BROKER_COUNTS,
  CACHE_TTL_MS,
  LEASE_TTL_MS,
  PROBE_INTERVAL_MS,
  READS,
  REFRESH_AFTER_MS,
  SETTLE_ROUNDS,
  STEADY_ROUNDS,
} from './registry-scale/settings.js';
import {
  brokerRegistration,
  healthyProbe,
  startFailingEndpoints,
} from './registry-scale/simulated-fleet.js';
import { Cleanups } from './support/cleanups.js';
import { machineLine } from './support/machine-line.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const cleanups = new Cleanups();
  try {
    const db = await startLocalDynamoDb();
    cleanups.add(db.close);
    const clients = createDynamoDbClients({ endpoint: db.endpoint });
    cleanups.add(async () => clients.client.destroy());
    const recorder = recordCalls(clients.client);
    const failing = await startFailingEndpoints();
    cleanups.add(failing.close);

    const loadBefore = loadavg();
    const started = performance.now();
    const healthy: ScaleRun[] = [];
    const failed: ScaleRun[] = [];
    const fleets = [
      { name: 'healthy', runs: healthy, host: () => undefined, probe: healthyProbe },
      { name: 'failing', runs: failed, host: failing.hostFor, probe: () => failing.probe },
    ];
    for (const brokers of BROKER_COUNTS) {
      for (const fleet of fleets) {
        console.error(`${brokers} brokers: ${fleet.name} fleet...`);
        fleet.runs.push(
          await runScale({
            clients,
            recorder,
            brokers,
            registration: (n) => brokerRegistration(n, fleet.host(n)),
            probe: fleet.probe(),
            reads: READS,
          }),
        );
      }
    }
    const loadAfter = loadavg();

    const dynaliteVersion = createRequire(import.meta.url)('dynalite/package.json').version;
    console.log(machineLine({ server: undefined, loadBefore, loadAfter }));
    console.log(
      `settings: dynalite ${dynaliteVersion} in process, a fresh table per fleet; ` +
        `${SETTLE_ROUNDS} settling + ${STEADY_ROUNDS} steady probe rounds per fleet via runLeasedRound ` +
        `on a simulated clock ${PROBE_INTERVAL_MS} ms apart (refreshAfterMs ${REFRESH_AFTER_MS}, ` +
        `lease TTL ${LEASE_TTL_MS} ms, no jitter); ${READS} publisher reads per fleet ` +
        `(createCachedFleetView, TTL ${CACHE_TTL_MS} ms), over the Query and over the fleet snapshot ` +
        `(createSnapshotFleetReader, one copy of DEFAULT_SNAPSHOT_COPIES ${DEFAULT_SNAPSHOT_COPIES}); run took ` +
        `${((performance.now() - started) / 1_000).toFixed(1)} s`,
    );
    printSizes(healthy);
    printCost(healthy, 'query');
    printSnapshot(healthy);
    printCost(healthy, 'snapshot');
    printFailing(failed);
    const largest = healthy.at(-1);
    if (largest) printAttributes(largest, failed.at(-1));
  } finally {
    await cleanups.run();
  }
}

await main();
