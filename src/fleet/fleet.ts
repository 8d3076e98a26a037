import { join, resolve } from 'node:path';
import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { createRegistryTable } from '../dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../dynamodb/dynamodb-client.js';
import { DEFAULT_REGISTRY_TABLE_NAME } from '../dynamodb/registry-table.js';
import { createApp } from '../http/app.js';
import { serveApp } from '../http/serve-app.js';
import { DynamoDbHealthRegistry } from '../registry/dynamodb-health-registry.js';
import { createProberService } from '../service/create-prober-service.js';
import { createPublishService } from '../service/create-publish-service.js';
import { defaultTopology } from '../topology/load-topology.js';
import { withProbeQueue } from '../topology/probe-queue.js';
import type { Topology } from '../topology/topology.js';
import { adoptBrokers } from './adopted-brokers.js';
import { API_LOG_FILE, openApiLog } from './api-log.js';
import type { SupervisedBroker } from './broker-supervisor.js';
import type { FleetEventListener } from './fleet-events.js';
import {
  claimDataDir,
  type FleetBrokerDescription,
  type FleetDescription,
  releaseDataDir,
  writeFleetState,
} from './fleet-state.js';
import { LOCAL_CREDENTIALS, startLocalBrokers } from './local-brokers.js';
import { startLocalDynamoDb } from './local-dynamodb.js';
import { startLocalProber } from './local-prober.js';
import { locateRabbitMq } from './rabbitmq-install.js';

export interface FleetOptions {
  /** Broker data, logs and `fleet.json`. Default `.warren`. */
  readonly dataDir?: string;
  /** How many brokers to start. Default 3. Ignored with `brokers`. */
  readonly nodes?: number;
  /** Use these running brokers (AMQP URLs, with credentials) and start none. */
  readonly brokers?: readonly string[];
  /** HTTP API port on 127.0.0.1; 0 picks a free one. Default 8080. */
  readonly port?: number;
  /** Default: `tasks`, `events` and the dead-letter queue. */
  readonly topology?: Topology;
  /** Default 2 000 ms. */
  readonly probeIntervalMs?: number;
  /** Distinct brokers that confirm each message when a request does not say, 1 to 3 and at most the brokers. Default 1. */
  readonly replicas?: number;
  /** Default 60 000 ms per broker. */
  readonly readyTimeoutMs?: number;
  readonly onEvent?: FleetEventListener;
  /** Aborts the start: what already started is stopped and the promise rejects. */
  readonly signal?: AbortSignal;
}

export interface Fleet extends FleetDescription {
  /** Brokers warren supervises (none with `brokers`). */
  readonly supervisors: readonly SupervisedBroker[];
  /** Stops the API, every broker warren started (waiting for each), and the registry. */
  stop(): Promise<void>;
}

/**
 * Runs the local fleet: real, independent RabbitMQ brokers under supervision,
 * an embedded DynamoDB-compatible registry listing them, the topology declared
 * on each, and the HTTP API on 127.0.0.1. What `warren dev` runs.
 *
 * @example
 * const fleet = await startFleet({ nodes: 3, port: 0 });
 * console.log(fleet.apiUrl); // http://127.0.0.1:PORT
 * await fleet.stop();
 */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const dataDir = resolve(options.dataDir ?? '.warren');
  const onEvent = options.onEvent ?? (() => undefined);
  const topology = withProbeQueue(options.topology ?? defaultTopology);
  const probeIntervalMs = options.probeIntervalMs ?? 2_000;
  // Fail on a missing RabbitMQ before anything starts.
  const install = options.brokers ? undefined : locateRabbitMq(process.env);

  await claimDataDir(dataDir);
  const cleanups: (() => Promise<void>)[] = [() => releaseDataDir(dataDir)];
  const stop = async () => {
    onEvent({ type: 'stopping' });
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const db = await startLocalDynamoDb();
    cleanups.push(() => db.close());
    const tableName = DEFAULT_REGISTRY_TABLE_NAME;
    const clients = createDynamoDbClients({ endpoint: db.endpoint });
    cleanups.push(async () => clients.client.destroy());
    await createRegistryTable(clients.client, tableName);
    onEvent({ type: 'registry-started', endpoint: db.endpoint, tableName });

    let brokers: readonly FleetBrokerDescription[];
    let supervisors: readonly SupervisedBroker[] = [];
    const credentials = new Map<string, AmqpCredentials>();
    if (install) {
      const local = await startLocalBrokers({
        count: options.nodes ?? 3,
        dataDir,
        install,
        topology,
        readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
        onEvent,
        ...(options.signal && { signal: options.signal }),
      });
      cleanups.push(local.stop);
      brokers = local.brokers;
      supervisors = local.supervisors;
      for (const broker of brokers) credentials.set(broker.id, LOCAL_CREDENTIALS);
    } else {
      const adopted = await adoptBrokers(options.brokers ?? [], topology, onEvent);
      brokers = adopted.map(({ credentials: _secret, ...broker }) => broker);
      for (const broker of adopted) credentials.set(broker.id, broker.credentials);
    }

    const registry = new DynamoDbHealthRegistry({ client: clients.documentClient, tableName });
    const now = new Date();
    for (const broker of brokers) {
      await registry.registerNode(
        {
          id: broker.id,
          endpoint: broker.endpoint,
          ...(broker.managementEndpoint && { managementEndpoint: broker.managementEndpoint }),
          labels: { fleet: 'local' },
        },
        now,
      );
    }
    onEvent({ type: 'nodes-registered', ids: brokers.map((broker) => broker.id) });

    options.signal?.throwIfAborted();
    const credentialsFor = async (target: { id: string }) =>
      credentials.get(target.id) ?? LOCAL_CREDENTIALS;
    const prober = startLocalProber(
      createProberService({ probeIntervalMs }, { registry, credentialsFor }),
      onEvent,
    );
    cleanups.push(() => prober.stop());

    const service = createPublishService(
      {
        probeIntervalMs,
        topology,
        ...(options.replicas !== undefined && { replicas: options.replicas }),
        // One publisher process: no fan-in to bound, and a subset would leave
        // the other brokers of a `--nodes 10` fleet without unkeyed messages.
        subsetSize: 0,
      },
      { registry, credentialsFor },
    );
    cleanups.push(() => service.close());
    const apiLog = openApiLog(join(dataDir, API_LOG_FILE));
    cleanups.push(() => apiLog.close());
    const api = await serveApp(createApp(service, { onRequest: apiLog.record }), {
      port: options.port ?? 8080,
      hostname: '127.0.0.1',
    });
    cleanups.push(() => api.close());
    onEvent({ type: 'api-listening', url: api.url });

    const description: FleetDescription = {
      pid: process.pid,
      dataDir,
      apiUrl: api.url,
      apiLog: join(dataDir, API_LOG_FILE),
      registry: { endpoint: db.endpoint, tableName },
      probeIntervalMs,
      topology,
      brokers,
    };
    await writeFleetState(description);
    return { ...description, supervisors, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
