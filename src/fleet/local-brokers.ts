import { resolve } from 'node:path';
import type { Topology } from '../topology/topology.js';
import { type BrokerSpec, brokerPaths, nodeNameFor, writeBrokerFiles } from './broker-spec.js';
import { SupervisedBroker } from './broker-supervisor.js';
import { declareTopology } from './declare-topology.js';
import type { FleetEventListener } from './fleet-events.js';
import type { FleetBrokerDescription } from './fleet-state.js';
import { findFreePorts } from './free-ports.js';
import { stopOrphanedBroker } from './orphaned-broker.js';
import type { RabbitMqInstall } from './rabbitmq-install.js';

/** Local brokers keep RabbitMQ's default user, which RabbitMQ only admits over loopback. */
export const LOCAL_CREDENTIALS = { username: 'guest', password: 'guest' } as const;

export interface LocalBrokersOptions {
  readonly count: number;
  readonly dataDir: string;
  readonly install: RabbitMqInstall;
  readonly topology: Topology;
  readonly readyTimeoutMs: number;
  readonly onEvent: FleetEventListener;
  /** Aborts a start in progress; whatever started is stopped. */
  readonly signal?: AbortSignal;
}

export interface LocalBrokers {
  readonly brokers: readonly FleetBrokerDescription[];
  readonly supervisors: readonly SupervisedBroker[];
  stop(): Promise<void>;
}

const PROGRESS_EVERY_MS = 2_000;

/**
 * Starts `count` independent brokers (b1…bN) under supervision, each on fresh
 * loopback ports with its data in `<dataDir>/<id>`, and declares the topology
 * on each before it counts as ready. Resolves when all are ready; if any fails
 * to start, stops the others and rejects.
 */
export async function startLocalBrokers(options: LocalBrokersOptions): Promise<LocalBrokers> {
  const dataDir = resolve(options.dataDir);
  const ports = await findFreePorts(options.count * 3);
  const members = Array.from({ length: options.count }, (_, i) => {
    const id = `b${i + 1}`;
    const [amqpPort, distPort, managementPort] = ports.slice(i * 3, i * 3 + 3) as [
      number,
      number,
      number,
    ];
    const spec: BrokerSpec = {
      id,
      nodeName: nodeNameFor(dataDir, id),
      dir: resolve(dataDir, id),
      amqpPort,
      distPort,
      managementPort,
    };
    const url = localUrl(spec);
    const supervisor = new SupervisedBroker({
      spec,
      install: options.install,
      url,
      readyTimeoutMs: options.readyTimeoutMs,
      onEvent: options.onEvent,
      onReady: () => declareTopology(id, url, options.topology, options.onEvent),
    });
    return { spec, supervisor };
  });
  const supervisors = members.map((member) => member.supervisor);
  const stop = async () => {
    await Promise.all(supervisors.map((supervisor) => supervisor.stop()));
  };

  const startedAt = Date.now();
  const pending = new Set(members.map(({ spec }) => spec.id));
  const progress = setInterval(
    () =>
      options.onEvent({
        type: 'broker-waiting',
        ids: [...pending],
        elapsedMs: Date.now() - startedAt,
      }),
    PROGRESS_EVERY_MS,
  );
  try {
    await Promise.all(
      members.map(async ({ spec, supervisor }) => {
        await writeBrokerFiles(spec);
        await stopOrphanedBroker(spec);
        await supervisor.start(options.signal);
        pending.delete(spec.id);
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearInterval(progress);
  }
  return { brokers: members.map(({ spec }) => describe(spec)), supervisors, stop };
}

function describe(spec: BrokerSpec): FleetBrokerDescription {
  const paths = brokerPaths(spec.dir);
  return {
    id: spec.id,
    endpoint: `amqp://127.0.0.1:${spec.amqpPort}`,
    managementEndpoint: `http://127.0.0.1:${spec.managementPort}`,
    local: {
      url: localUrl(spec),
      nodeName: spec.nodeName,
      dir: spec.dir,
      home: paths.home,
      pidFile: paths.pidFile,
    },
  };
}

function localUrl(spec: BrokerSpec): string {
  const { username, password } = LOCAL_CREDENTIALS;
  return `amqp://${username}:${password}@127.0.0.1:${spec.amqpPort}`;
}
