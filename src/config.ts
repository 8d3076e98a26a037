import * as z from 'zod';
import type { AmqpCredentialsConfig } from './amqp/amqp-credentials.js';
import { readBrokerAccess } from './config/broker-access-config.js';
import { blankAsUnset, configError, ENV, problemsOf } from './config/env.js';
import { DEFAULT_SUBSET_SIZE, MAX_SUBSET_SIZE } from './core/broker-subset.js';
import { DEFAULT_REPLICAS, MAX_REPLICAS, MIN_REPLICAS } from './core/replicas.js';
import {
  DEFAULT_REGISTRY_TABLE_NAME,
  DEFAULT_SNAPSHOT_COPIES,
  MAX_SNAPSHOT_COPIES,
} from './dynamodb/registry-table.js';
import {
  DEFAULT_INVOCATION_ROUNDS,
  DEFAULT_PROBE_INTERVAL_MS,
} from './prober/prober-invocation.js';
import { DEFAULT_PUBLISH_LIMITS } from './service/publish-limits.js';
import type { PublishSettings } from './service/publish-settings.js';
import { defaultTopology, parseTopology, TopologyError } from './topology/load-topology.js';
import type { Topology } from './topology/topology.js';

export type { AmqpCredentialsConfig } from './amqp/amqp-credentials.js';
export {
  type BrokerAccessConfig,
  DEFAULT_AMQP_SECRET_MAX_AGE_MS,
  readAmqpCaCertConfig,
  readAmqpCredentialsConfig,
} from './config/broker-access-config.js';
export { ConfigError, ENV } from './config/env.js';
export interface FunctionConfig {
  readonly registryTableName: string;
  /**
   * Copies of the fleet snapshot (`WARREN_REGISTRY_SNAPSHOT_COPIES`, 1 to 16,
   * default 4): the prober writes every copy, each publisher container reads
   * one. More copies when one partition's reads would bind (docs/registry-cost.md).
   */
  readonly registrySnapshotCopies: number;
  /** How often the prober probes; readers call health stale after three intervals. */
  readonly probeIntervalMs: number;
}

/** The publish function's configuration: the registry, the credentials and the service's settings. */
export interface PublishConfig {
  readonly registryTableName: string;
  /** See {@link FunctionConfig.registrySnapshotCopies}. */
  readonly registrySnapshotCopies: number;
  readonly amqpCredentials: AmqpCredentialsConfig;
  /**
   * What the environment sets; every other setting keeps its default. The
   * topology is `WARREN_TOPOLOGY` (definitions JSON), else the default topology.
   */
  readonly settings: Pick<
    PublishSettings,
    'probeIntervalMs' | 'replicas' | 'subsetSize' | 'limits' | 'topology' | 'caCertPem'
  >;
}
/** The prober function's configuration: the registry, the credentials and the service's settings. */
export interface ProberConfig {
  readonly registryTableName: string;
  /** See {@link FunctionConfig.registrySnapshotCopies}. */
  readonly registrySnapshotCopies: number;
  readonly amqpCredentials: AmqpCredentialsConfig;
  readonly settings: ProberConfigSettings;
}

export interface ProberConfigSettings {
  readonly probeIntervalMs: number;
  /** Rounds per scheduled invocation, started `probeIntervalMs` apart. */
  readonly probeRounds: number;
  /** Overrides every probe stage's timeout; unset keeps the per-stage defaults. */
  readonly probeTimeoutMs?: number;
  readonly caCertPem?: string;
  /** Probes in flight at once; unset keeps the service's default. */
  readonly probeConcurrency?: number;
  /** Health writes started a second; unset keeps the service's default. */
  readonly healthWritesPerSecond?: number;
}
const configSchema = z.object({
  [ENV.registryTable]: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')
    .default(DEFAULT_REGISTRY_TABLE_NAME),
  [ENV.probeIntervalMs]: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(100)
    .max(600_000)
    .default(DEFAULT_PROBE_INTERVAL_MS),
  [ENV.registrySnapshotCopies]: blankAsUnset(
    z.coerce
      .number()
      .int('must be a whole number')
      .min(1)
      .max(MAX_SNAPSHOT_COPIES)
      .default(DEFAULT_SNAPSHOT_COPIES),
  ),
});

const proberSchema = configSchema.extend({
  [ENV.probeRounds]: z.coerce
    .number()
    .int('must be a whole number')
    .min(1)
    .max(10)
    .default(DEFAULT_INVOCATION_ROUNDS),
  [ENV.probeTimeoutMs]: blankAsUnset(
    z.coerce.number().int('must be a whole number of milliseconds').min(100).max(10_000).optional(),
  ),
  // A Lambda has 1 024 file descriptors; one partition takes 1 000 write units a second.
  [ENV.probeConcurrency]: blankAsUnset(
    z.coerce.number().int('must be a whole number').min(1).max(1_000).optional(),
  ),
  [ENV.healthWritesPerSecond]: blankAsUnset(
    z.coerce.number().int('must be a whole number').min(1).max(1_000).optional(),
  ),
});

const wholeNumber = (min: number, max: number, fallback: number) =>
  blankAsUnset(z.coerce.number().int('must be a whole number').min(min).max(max).default(fallback));

// Upper bounds: RabbitMQ 4's default max_message_size is 16 MiB; a request is held in memory whole.
const publishSchema = configSchema.extend({
  [ENV.maxMessages]: wholeNumber(1, 10_000, DEFAULT_PUBLISH_LIMITS.maxMessages),
  [ENV.maxMessageBytes]: wholeNumber(
    1_024,
    16 * 1024 * 1024,
    DEFAULT_PUBLISH_LIMITS.maxMessageBytes,
  ),
  [ENV.maxRequestBytes]: wholeNumber(
    1_024,
    64 * 1024 * 1024,
    DEFAULT_PUBLISH_LIMITS.maxRequestBytes,
  ),
  [ENV.replicas]: wholeNumber(MIN_REPLICAS, MAX_REPLICAS, DEFAULT_REPLICAS),
  // 0 turns subsetting off.
  [ENV.subsetSize]: wholeNumber(0, MAX_SUBSET_SIZE, DEFAULT_SUBSET_SIZE),
});
/**
 * Reads and validates function configuration from `env`.
 *
 * @example const config = readConfig(process.env); // { registryTableName: 'warren-registry', probeIntervalMs: 15000 }
 */
export function readConfig(env: NodeJS.ProcessEnv): FunctionConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) throw configError(problemsOf(result.error));
  return {
    registryTableName: result.data[ENV.registryTable],
    registrySnapshotCopies: result.data[ENV.registrySnapshotCopies],
    probeIntervalMs: result.data[ENV.probeIntervalMs],
  };
}

/**
 * Reads the publish function's configuration: the common variables, the
 * request limits (defaults: 500 messages, 256 KiB per message, 5 MiB per
 * request), the default replicas (1), the broker subset size (6, 0 for
 * none), the AMQP credentials, the CA the brokers' TLS certificates
 * chain to (optional) and the topology.
 *
 * @example const { settings } = readPublishConfig({ ...process.env, WARREN_MAX_MESSAGES: '100' }); // settings.limits.maxMessages === 100
 */
export function readPublishConfig(env: NodeJS.ProcessEnv): PublishConfig {
  const result = publishSchema.safeParse(env);
  const access = readBrokerAccess(env);
  const topology = readTopology(env);
  if (!result.success || Array.isArray(access) || topology instanceof TopologyError) {
    throw configError([
      ...(result.success ? [] : problemsOf(result.error)),
      ...(Array.isArray(access) ? access : []),
      ...(topology instanceof TopologyError ? [`${ENV.topology}: ${topology.message}`] : []),
    ]);
  }
  return {
    registryTableName: result.data[ENV.registryTable],
    registrySnapshotCopies: result.data[ENV.registrySnapshotCopies],
    amqpCredentials: access.amqpCredentials,
    settings: {
      probeIntervalMs: result.data[ENV.probeIntervalMs],
      replicas: result.data[ENV.replicas],
      subsetSize: result.data[ENV.subsetSize],
      limits: {
        maxMessages: result.data[ENV.maxMessages],
        maxMessageBytes: result.data[ENV.maxMessageBytes],
        maxRequestBytes: result.data[ENV.maxRequestBytes],
      },
      topology,
      ...(access.amqpCaCertPem !== undefined && { caCertPem: access.amqpCaCertPem }),
    },
  };
}

/**
 * `WARREN_TOPOLOGY` alone, validated, for tools that need the declared queues
 * and exchanges: the definitions JSON it holds, else the default topology.
 *
 * @example readTopologyConfig({}).queues.map((queue) => queue.name) // ['tasks', 'events.all', 'warren.dead-letter']
 */
export function readTopologyConfig(env: NodeJS.ProcessEnv): Topology {
  const topology = readTopology(env);
  if (topology instanceof TopologyError)
    throw configError([`${ENV.topology}: ${topology.message}`]);
  return topology;
}

function readTopology(env: NodeJS.ProcessEnv): Topology | TopologyError {
  const text = env[ENV.topology];
  if (text === undefined || text === '') return defaultTopology;
  try {
    return parseTopology(JSON.parse(text), ENV.topology);
  } catch (error) {
    return error instanceof TopologyError
      ? error
      : new TopologyError(ENV.topology, 'is not valid JSON');
  }
}

/**
 * Reads the prober function's configuration: the common variables, rounds,
 * the probe timeout, the AMQP credentials (a Secrets Manager ARN, or a
 * username and password for local use) and the brokers' CA certificate
 * (optional). One ConfigError names every bad variable; no message ever
 * contains a credential or the certificate.
 *
 * @example const config = readProberConfig({ WARREN_AMQP_USERNAME: 'guest', WARREN_AMQP_PASSWORD: 'guest' }); // config.settings.probeRounds === 4
 */
export function readProberConfig(env: NodeJS.ProcessEnv): ProberConfig {
  const result = proberSchema.safeParse(env);
  const access = readBrokerAccess(env);
  if (!result.success || Array.isArray(access)) {
    throw configError([
      ...(result.success ? [] : problemsOf(result.error)),
      ...(Array.isArray(access) ? access : []),
    ]);
  }
  const timeoutMs = result.data[ENV.probeTimeoutMs];
  const probeConcurrency = result.data[ENV.probeConcurrency];
  const healthWritesPerSecond = result.data[ENV.healthWritesPerSecond];
  return {
    registryTableName: result.data[ENV.registryTable],
    registrySnapshotCopies: result.data[ENV.registrySnapshotCopies],
    amqpCredentials: access.amqpCredentials,
    settings: {
      probeIntervalMs: result.data[ENV.probeIntervalMs],
      probeRounds: result.data[ENV.probeRounds],
      ...(timeoutMs !== undefined && { probeTimeoutMs: timeoutMs }),
      ...(probeConcurrency !== undefined && { probeConcurrency }),
      ...(healthWritesPerSecond !== undefined && { healthWritesPerSecond }),
      ...(access.amqpCaCertPem !== undefined && { caCertPem: access.amqpCaCertPem }),
    },
  };
}
