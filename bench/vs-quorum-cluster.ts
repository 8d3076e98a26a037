/**
 * warren against the usual answer to broker failure, in one run: a real 3-node
 * RabbitMQ cluster with a durable quorum queue, and a warren fleet of 3
 * independent brokers. Steady throughput in interleaved rounds (cluster over
 * raw amqplib; warren in process and over HTTP, replicas 1 and 2, into the
 * one-member quorum queue on each broker its default topology declares and
 * into a classic queue), then under load one fault at a time on each system
 * (kill -9, SIGSTOP, memory alarm; warren into its default queue),
 * counting what was confirmed, lost and duplicated.
 *
 *   npx tsx bench/vs-quorum-cluster.ts [--rounds 5] [--messages 10000]
 *     [--load-ms 12000] [--fault-ms 8000] [--faults kill,stop,alarm]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import type { FleetBrokerDescription } from '../src/fleet/fleet-state.js';
import { LOCAL_CREDENTIALS } from '../src/fleet/local-brokers.js';
import { runProbeRound } from '../src/prober/probe-round.js';
import { createProberService } from '../src/service/create-prober-service.js';
import { createPublishService } from '../src/service/create-publish-service.js';
import { hostApi, startApiChild } from './support/api-host.js';
import { type BenchFleet, openBenchFleet } from './support/bench-fleet.js';
import { createBenchRegistry } from './support/bench-registry.js';
import { Cleanups } from './support/cleanups.js';
import { hostFleet } from './support/fleet-host.js';
import { createHttpPublishClient } from './support/http-publish-client.js';
import { purgeAll } from './support/raw-brokers.js';
import { createClusterPublishers } from './vs-quorum-cluster/cluster-client.js';
import { clusterSystem } from './vs-quorum-cluster/cluster-system.js';
import { runFaultPhase } from './vs-quorum-cluster/fault-phase.js';
import { progress } from './vs-quorum-cluster/progress.js';
import { type QuorumCluster, startQuorumCluster } from './vs-quorum-cluster/quorum-cluster.js';
import { printComparisonReport } from './vs-quorum-cluster/report.js';
import {
  CLASSIC_QUEUE,
  CLUSTER_QUEUE,
  QUEUE,
  values,
  WARREN_TOPOLOGY,
} from './vs-quorum-cluster/settings.js';
import { runSteadyPhase } from './vs-quorum-cluster/steady-phase.js';
import type { SteadyVariant } from './vs-quorum-cluster/steady-run.js';
import { httpAttempt, libraryAttempt, senderOf } from './vs-quorum-cluster/warren-clients.js';
import { warrenSystem } from './vs-quorum-cluster/warren-system.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Ctrl-C, SIGTERM or a crash still stops the cluster and the fleet; a second signal exits at once. */
function cleanUpOnSignals(stopAll: () => Promise<void>): void {
  let stopping = false;
  for (const name of ['uncaughtException', 'unhandledRejection'] as const) {
    process.once(name, (error: unknown) => {
      console.error(name, error);
      stopping = true;
      void stopAll().finally(() => process.exit(1));
    });
  }
  let firstSignalAt = 0;
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      // tsx relays the terminal's Ctrl-C, so one keypress can arrive twice: a second counts after 1 s.
      if (stopping && Date.now() - firstSignalAt > 1_000) process.exit(130);
      if (stopping) return;
      stopping = true;
      firstSignalAt = Date.now();
      console.error(`${name}: stopping the cluster and the fleet (again to exit at once)...`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

/** Both systems at once (their boots are not measured); neither is left running if the other fails. */
async function startBoth(cleanups: Cleanups): Promise<[QuorumCluster, BenchFleet]> {
  const [cluster, bench] = await Promise.allSettled([
    startQuorumCluster(CLUSTER_QUEUE, cleanups),
    openBenchFleet(
      {
        name: 'vs-cluster',
        mode: 'child',
        entry: fileURLToPath(import.meta.url),
        topology: WARREN_TOPOLOGY,
      },
      cleanups,
    ),
  ]);
  if (cluster.status === 'rejected') throw cluster.reason;
  if (bench.status === 'rejected') throw bench.reason;
  return [cluster.value, bench.value];
}

async function main(): Promise<void> {
  const cleanups = new Cleanups();
  // One stop, whoever asks first (a signal, a crash, the end): the others wait for the same one.
  let stopped: Promise<void> | undefined;
  const stopAll = () => {
    stopped ??= cleanups.run();
    return stopped;
  };
  cleanUpOnSignals(stopAll);
  try {
    progress('starting a 3-node quorum-queue cluster and a warren fleet of 3 brokers...');
    const [cluster, bench] = await startBoth(cleanups);
    const { fleet, brokers, server, brokerPids } = bench;

    // The in-process publisher, on its own registry table, probed as the publish bench does.
    const registry = await createBenchRegistry(fleet, 'vs-cluster', cleanups);
    const probeIntervalMs = 60_000;
    const credentialsFor = async () => LOCAL_CREDENTIALS;
    const prober = createProberService({ probeIntervalMs }, { registry, credentialsFor });
    const probe = () => runProbeRound({ registry, probe: prober.probe, refreshAfterMs: 0 });
    await probe();
    const service = createPublishService(
      { probeIntervalMs, topology: WARREN_TOPOLOGY },
      { registry, credentialsFor },
    );
    cleanups.add(() => service.close());
    const { publisher } = service;

    // warren's HTTP variants talk to an API process of their own, composed as the Lambda is.
    const api = await startApiChild(fileURLToPath(import.meta.url), fleet);
    cleanups.add(() => api.stop());
    const httpClient = createHttpPublishClient(api.apiUrl);
    cleanups.add(async () => httpClient.close());
    for (const queue of [QUEUE, CLASSIC_QUEUE]) await purgeAll(brokers, queue);

    const purger = await connect(cluster.nodes[0]?.url ?? '');
    purger.on('error', () => undefined);
    cleanups.add(() => purger.close().catch(() => undefined));
    const purgeChannel = await purger.createChannel();
    const clusterPublishers = createClusterPublishers(cluster.nodes, CLUSTER_QUEUE, (w) => w);
    cleanups.add(() => clusterPublishers.close());

    const clusterVariant: SteadyVariant = {
      name: 'cluster, raw amqplib',
      send: clusterPublishers.send,
      copies: 1,
      brokerPids: () => cluster.pids(),
      purge: async () => (await purgeChannel.purgeQueue(CLUSTER_QUEUE)).messageCount,
    };
    const warrenVariant = (http: boolean, replicas: number, queue: string): SteadyVariant => ({
      name: `warren ${http ? 'HTTP' : 'publish()'}${queue === QUEUE ? '' : ' classic'} r${replicas}`,
      send: senderOf(
        http
          ? httpAttempt(httpClient, replicas, queue)
          : libraryAttempt(publisher, replicas, queue),
      ),
      copies: replicas,
      brokerPids: () => brokerPids,
      ...(http && { host: api }),
      purge: () => purgeAll(brokers, queue),
    });
    const variants = [
      clusterVariant,
      ...[QUEUE, CLASSIC_QUEUE].flatMap((queue) =>
        [false, true].flatMap((http) => [1, 2].map((r) => warrenVariant(http, r, queue))),
      ),
    ];

    const loadBefore = loadavg();
    const runs = await runSteadyPhase(variants, probe);

    let turn = 0;
    const pick = () => fleet.brokers[turn++ % fleet.brokers.length] as FleetBrokerDescription;
    const warren = (replicas: number) =>
      warrenSystem({
        name: `warren HTTP r${replicas}`,
        fleet,
        send: senderOf(httpAttempt(httpClient, replicas, QUEUE)),
        pick,
        cleanups,
      });
    const systems = [clusterSystem(cluster, clusterPublishers.send), warren(1), warren(2)];
    const scenarios = await runFaultPhase(systems, () => clusterPublishers.close());
    const loadAfter = loadavg();

    printComparisonReport({
      server,
      loadBefore,
      loadAfter,
      cluster: clusterVariant,
      variants,
      runs,
      scenarios,
    });
  } finally {
    await stopAll();
  }
}

if (values['fleet-host']) {
  // The bench's own Ctrl-C handler stops this fleet (or the lost IPC channel does).
  process.on('SIGINT', () => undefined);
  await hostFleet(values['fleet-host']);
} else if (values['api-host']) {
  process.on('SIGINT', () => undefined);
  await hostApi(values['api-host']);
} else await main();
