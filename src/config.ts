import * as z from 'zod';
import { CaCertificateError, parseCaCertificate } from './amqp/ca-certificate.js';
import { DEFAULT_REGISTRY_TABLE_NAME } from './dynamodb/registry-table.js';
import { DEFAULT_PUBLISH_LIMITS, type PublishLimits } from './http/publish-limits.js';
import { defaultTopology, parseTopology, TopologyError } from './topology/load-topology.js';
import type { Topology } from './topology/topology.js';

/**
 * Environment variables the Lambda functions read. The CDK stacks set them by
 * these names (never by literal), so a rename cannot drift between the two.
 */
export const ENV = {
  registryTable: 'WARREN_REGISTRY_TABLE',
  probeIntervalMs: 'WARREN_PROBE_INTERVAL_MS',
  probeRounds: 'WARREN_PROBE_ROUNDS',
  probeTimeoutMs: 'WARREN_PROBE_TIMEOUT_MS',
  amqpSecretArn: 'WARREN_AMQP_SECRET_ARN',
  amqpSecretMaxAgeMs: 'WARREN_AMQP_SECRET_MAX_AGE_MS',
  amqpUsername: 'WARREN_AMQP_USERNAME',
  amqpPassword: 'WARREN_AMQP_PASSWORD',
  amqpCaCert: 'WARREN_AMQP_CA_CERT',
  topology: 'WARREN_TOPOLOGY',
  maxMessages: 'WARREN_MAX_MESSAGES',
  maxMessageBytes: 'WARREN_MAX_MESSAGE_BYTES',
  maxRequestBytes: 'WARREN_MAX_REQUEST_BYTES',
} as const;

/** Configuration that cannot be used; `message` names every bad variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface FunctionConfig {
  readonly registryTableName: string;
  /** How often the prober probes; readers call health stale after three intervals. */
  readonly probeIntervalMs: number;
}

/** How the functions reach the brokers: credentials, and the CA their TLS certificates chain to. */
export interface BrokerAccessConfig {
  readonly amqpCredentials: AmqpCredentialsConfig;
  /**
   * `WARREN_AMQP_CA_CERT`: the PEM CA certificate(s) trusted, instead of Node's
   * public roots, for amqps:// brokers and their https:// management API.
   * Unset: plain amqp:// and http:// (the local fleet), or public roots.
   */
  readonly amqpCaCertPem?: string;
}

export interface PublishConfig extends FunctionConfig, BrokerAccessConfig {
  readonly publishLimits: PublishLimits;
  /** The declared destinations: `WARREN_TOPOLOGY` (definitions JSON), else the default topology. */
  readonly topology: Topology;
}

/** Where the functions get the brokers' AMQP credentials: a secret in AWS, a plain pair locally. */
export type AmqpCredentialsConfig =
  | {
      readonly source: 'secret';
      readonly secretArn: string;
      /**
       * `WARREN_AMQP_SECRET_MAX_AGE_MS`: how long a read secret is used before it
       * is read again (a broker refusing it has it read at once). Default 5 minutes.
       */
      readonly maxAgeMs: number;
    }
  | { readonly source: 'env'; readonly username: string; readonly password: string };

export interface ProberConfig extends FunctionConfig, BrokerAccessConfig {
  /** Rounds per scheduled invocation, started `probeIntervalMs` apart. */
  readonly probeRounds: number;
  /** Overrides every probe stage's timeout; unset keeps the per-stage defaults. */
  readonly probeTimeoutMs?: number;
}

// CloudFormation and shells set optional variables to '' rather than leaving them out.
const blankAsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

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
    .default(15_000),
});

const proberSchema = configSchema.extend({
  [ENV.probeRounds]: z.coerce.number().int('must be a whole number').min(1).max(10).default(4),
  [ENV.probeTimeoutMs]: blankAsUnset(
    z.coerce.number().int('must be a whole number of milliseconds').min(100).max(10_000).optional(),
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
});

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/** How long a read AMQP secret is used before it is read again, unless a broker refuses it first. */
export const DEFAULT_AMQP_SECRET_MAX_AGE_MS = 300_000;

// Whole seconds: Powertools Parameters keeps a value for a number of seconds. At most an
// hour: it bounds how long a container goes on using a secret replaced in Secrets Manager
// while no broker has refused it yet (e.g. a password changed only in the secret).
const secretMaxAgeSchema = blankAsUnset(
  z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .multipleOf(1_000, 'must be whole seconds, in milliseconds')
    .min(1_000)
    .max(3_600_000)
    .default(DEFAULT_AMQP_SECRET_MAX_AGE_MS),
);

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
    probeIntervalMs: result.data[ENV.probeIntervalMs],
  };
}

/**
 * Reads the publish function's configuration: the common variables, the
 * request limits (defaults: 500 messages, 256 KiB per message, 5 MiB per
 * request), the AMQP credentials, the CA the brokers' TLS certificates
 * chain to (optional) and the topology.
 *
 * @example const { publishLimits } = readPublishConfig({ ...process.env, WARREN_MAX_MESSAGES: '100' }); // publishLimits.maxMessages === 100
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
    probeIntervalMs: result.data[ENV.probeIntervalMs],
    publishLimits: {
      maxMessages: result.data[ENV.maxMessages],
      maxMessageBytes: result.data[ENV.maxMessageBytes],
      maxRequestBytes: result.data[ENV.maxRequestBytes],
    },
    ...access,
    topology,
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
 * @example const config = readProberConfig({ WARREN_AMQP_USERNAME: 'guest', WARREN_AMQP_PASSWORD: 'guest' }); // config.probeRounds === 4
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
  return {
    registryTableName: result.data[ENV.registryTable],
    probeIntervalMs: result.data[ENV.probeIntervalMs],
    probeRounds: result.data[ENV.probeRounds],
    ...(timeoutMs !== undefined && { probeTimeoutMs: timeoutMs }),
    ...access,
  };
}

/**
 * The AMQP credentials configuration alone, for tools that only talk to brokers.
 *
 * @example readAmqpCredentialsConfig({ WARREN_AMQP_USERNAME: 'app', WARREN_AMQP_PASSWORD: 's3cret' }) // { source: 'env', … }
 */
export function readAmqpCredentialsConfig(env: NodeJS.ProcessEnv): AmqpCredentialsConfig {
  const credentials = readAmqpCredentials(env);
  if (typeof credentials === 'string') throw configError([credentials]);
  return credentials;
}

/**
 * `WARREN_AMQP_CA_CERT` alone, validated, for tools that only talk to brokers:
 * the PEM bundle, or undefined when unset or blank.
 *
 * @example const caCertPem = readAmqpCaCertConfig(process.env); // '-----BEGIN CERTIFICATE-----…' or undefined
 */
export function readAmqpCaCertConfig(env: NodeJS.ProcessEnv): string | undefined {
  const caCert = readAmqpCaCert(env);
  if (caCert instanceof CaCertificateError) throw configError([caCert.message]);
  return caCert;
}

/** Credentials and trusted CA together, or every problem with them (naming variables, never values). */
function readBrokerAccess(env: NodeJS.ProcessEnv): BrokerAccessConfig | string[] {
  const credentials = readAmqpCredentials(env);
  const caCert = readAmqpCaCert(env);
  if (typeof credentials === 'string' || caCert instanceof CaCertificateError) {
    return [
      ...(typeof credentials === 'string' ? [credentials] : []),
      ...(caCert instanceof CaCertificateError ? [caCert.message] : []),
    ];
  }
  return { amqpCredentials: credentials, ...(caCert !== undefined && { amqpCaCertPem: caCert }) };
}

// The variable's name stands in for its text in every message: a PEM is long and says nothing.
function readAmqpCaCert(env: NodeJS.ProcessEnv): string | undefined | CaCertificateError {
  const pem = env[ENV.amqpCaCert];
  if (pem === undefined || pem.trim() === '') return undefined;
  try {
    return parseCaCertificate(pem, ENV.amqpCaCert);
  } catch (error) {
    if (error instanceof CaCertificateError) return error;
    throw error;
  }
}

/** The credentials configuration, or the problem with it (naming variables, never values). */
function readAmqpCredentials(env: NodeJS.ProcessEnv): AmqpCredentialsConfig | string {
  const set = (name: string) => (env[name] === '' ? undefined : env[name]);
  const secretArn = set(ENV.amqpSecretArn);
  const username = set(ENV.amqpUsername);
  const password = set(ENV.amqpPassword);
  if (secretArn !== undefined) {
    if (username !== undefined || password !== undefined)
      return `${ENV.amqpSecretArn}: set either it or ${ENV.amqpUsername} and ${ENV.amqpPassword}, not both`;
    const maxAge = secretMaxAgeSchema.safeParse(env[ENV.amqpSecretMaxAgeMs]);
    const problems = [
      ...(SECRET_ARN.test(secretArn)
        ? []
        : [`${ENV.amqpSecretArn}: must be a Secrets Manager secret ARN`]),
      ...(maxAge.success
        ? []
        : maxAge.error.issues.map((issue) => `${ENV.amqpSecretMaxAgeMs}: ${issue.message}`)),
    ];
    if (!maxAge.success || problems.length > 0) return problems.join('; ');
    return { source: 'secret', secretArn, maxAgeMs: maxAge.data };
  }
  if (username !== undefined && password !== undefined)
    return { source: 'env', username, password };
  if (username !== undefined) return `${ENV.amqpPassword}: required with ${ENV.amqpUsername}`;
  if (password !== undefined) return `${ENV.amqpUsername}: required with ${ENV.amqpPassword}`;
  return `${ENV.amqpSecretArn} or ${ENV.amqpUsername} and ${ENV.amqpPassword}: the brokers' AMQP credentials are not configured`;
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

function configError(problems: readonly string[]): ConfigError {
  return new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}
