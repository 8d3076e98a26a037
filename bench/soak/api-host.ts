/**
 * The process under test, assembled here from the local fleet's own parts: 3
 * supervised brokers, the registry behind a proxy, the prober loop (which the
 * nemesis stops and starts) and the HTTP API. Mirrors `startFleet`, whose
 * registry clients cannot be pointed at a proxy nor its prober paused. The
 * registry itself (dynalite) runs in a child process: it leaks a memdown
 * iterator and the tree versions it pins with every Query (about 87 a minute
 * here, seen in heap snapshots of `warren dev`), which would count as the
 * API's heap; in AWS the registry is DynamoDB, nowhere near the API.
 */
import { createRegistryTable } from '../../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { DEFAULT_REGISTRY_TABLE_NAME } from '../../src/dynamodb/registry-table.js';
import type { SupervisedBroker } from '../../src/fleet/broker-supervisor.js';
import type { FleetEvent } from '../../src/fleet/fleet-events.js';
import type { FleetBrokerDescription } from '../../src/fleet/fleet-state.js';
import { LOCAL_CREDENTIALS, startLocalBrokers } from '../../src/fleet/local-brokers.js';
import { startLocalDynamoDb } from '../../src/fleet/local-dynamodb.js';
import { startLocalProber } from '../../src/fleet/local-prober.js';
import { locateRabbitMq, type RabbitMqInstall } from '../../src/fleet/rabbitmq-install.js';
import { createApp } from '../../src/http/app.js';
import { serveApp } from '../../src/http/serve-app.js';
import type { ProberLoop } from '../../src/prober/prober-loop.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { createProberService } from '../../src/service/create-prober-service.js';
import { createPublishService } from '../../src/service/create-publish-service.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { withProbeQueue } from '../../src/topology/probe-queue.js';
import type { Cleanups } from '../support/cleanups.js';
import { forkHost, serveHost } from '../support/forked-host.js';
import { type RegistryProxy, startRegistryProxy } from './registry-proxy.js';

export const PROBE_INTERVAL_MS = 2_000;

export interface ApiHost {
  readonly apiUrl: string;
  readonly install: RabbitMqInstall;
  readonly brokers: readonly FleetBrokerDescription[];
  readonly supervisors: readonly SupervisedBroker[];
  readonly registryProxy: RegistryProxy;
  /** Stops the prober loop (the lease lapses); `startProber` runs a new one. */
  stopProber(): Promise<void>;
  startProber(): void;
}

/** Fleet events worth a line on stderr during a soak (broker exits and restarts, prober errors). */
function logEvent(event: FleetEvent): void {
  if (event.type === 'broker-waiting' || event.type === 'broker-starting') return;
  if (
    event.type === 'health-changed' ||
    event.type.startsWith('broker-') ||
    event.type === 'prober-error'
  )
    console.error(`  fleet: ${JSON.stringify(event)}`);
}

/** In the forked child: dynalite, until the soak stops. */
export async function hostRegistry(): Promise<void> {
  await serveHost(async () => {
    const db = await startLocalDynamoDb();
    return { ready: db.endpoint, stop: () => db.close() };
  });
}

/** `entry`: the soak's file, forked with `--registry-host` for the registry (it must call `hostRegistry`). */
export async function startApiHost(
  dataDir: string,
  entry: string,
  cleanups: Cleanups,
): Promise<ApiHost> {
  const install = locateRabbitMq(process.env);
  const topology = withProbeQueue(defaultTopology);
  const db = await forkHost<string>(entry, ['--registry-host'], 'registry host');
  cleanups.add(() => db.stop());
  const endpoint = db.ready;
  const registryProxy = await startRegistryProxy(endpoint);
  cleanups.add(() => registryProxy.close());
  const tableName = DEFAULT_REGISTRY_TABLE_NAME;
  // Every registry reader and writer goes through the proxy; only the setup talks to dynalite direct.
  const setup = createDynamoDbClients({ endpoint });
  cleanups.add(async () => setup.client.destroy());
  await createRegistryTable(setup.client, tableName);
  const clients = createDynamoDbClients({ endpoint: registryProxy.endpoint });
  cleanups.add(async () => clients.client.destroy());

  const local = await startLocalBrokers({
    count: 3,
    dataDir,
    install,
    topology,
    readyTimeoutMs: 120_000,
    onEvent: logEvent,
  });
  cleanups.add(async () => {
    console.error('stopping the brokers...');
    await local.stop();
  });
  const registry = new DynamoDbHealthRegistry({ client: clients.documentClient, tableName });
  for (const broker of local.brokers) {
    await registry.registerNode(
      {
        id: broker.id,
        endpoint: broker.endpoint,
        ...(broker.managementEndpoint && { managementEndpoint: broker.managementEndpoint }),
        labels: { fleet: 'local' },
      },
      new Date(),
    );
  }
  const credentialsFor = async () => LOCAL_CREDENTIALS;
  const prober = createProberService(
    { probeIntervalMs: PROBE_INTERVAL_MS },
    { registry, credentialsFor },
  );
  let loop: ProberLoop | undefined = startLocalProber(prober, logEvent);
  cleanups.add(async () => loop?.stop());

  const service = createPublishService(
    { probeIntervalMs: PROBE_INTERVAL_MS, topology },
    { registry, credentialsFor },
  );
  cleanups.add(() => service.close());
  const api = await serveApp(createApp(service), { port: 0, hostname: '127.0.0.1' });
  cleanups.add(() => api.close());
  return {
    apiUrl: api.url,
    install,
    brokers: local.brokers,
    supervisors: local.supervisors,
    registryProxy,
    async stopProber() {
      const stopping = loop;
      loop = undefined;
      await stopping?.stop();
    },
    startProber() {
      loop ??= startLocalProber(prober, logEvent);
    },
  };
}
