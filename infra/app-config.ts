import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import type { Node } from 'constructs';
import * as z from 'zod';
import { DEFAULT_SUBSET_SIZE, MAX_SUBSET_SIZE } from '../src/core/broker-subset.js';
import { DEFAULT_REPLICAS, MAX_REPLICAS, MIN_REPLICAS } from '../src/core/replicas.js';
import { DEFAULT_SNAPSHOT_COPIES, MAX_SNAPSHOT_COPIES } from '../src/dynamodb/registry-table.js';
import { defaultTopology, parseTopology } from '../src/topology/load-topology.js';
import type { Topology } from '../src/topology/topology.js';

/** Deployment settings read from CDK context (`cdk.json` or `cdk deploy -c key=value`). */
export interface AppConfig {
  /** Overrides the registry table name; unset keeps the stack's default. */
  readonly registryTableName?: string;
  /** Brokers, one stack each, ids `b1`..`bN`, spread over the VPC's three AZs. */
  readonly brokerCount: number;
  /** EC2 instance type of every broker; x86_64 only (RabbitMQ's Erlang packages are amd64). */
  readonly brokerInstanceType: string;
  /** Size of each broker's retained data volume. */
  readonly brokerDataVolumeGiB: number;
  /** RabbitMQ version installed on brokers, pinned exactly (`4.1.4` installs `4.1.4-1`). */
  readonly rabbitmqVersion: string;
  /** Erlang/OTP major version installed with it; must be one RabbitMQ supports for that version. */
  readonly erlangMajor: number;
  /** Queues, exchanges and bindings every broker loads at boot and the publisher accepts. */
  readonly topology: Topology;
  /** IAM principals (role or user ARNs, or account ids) allowed to invoke the publish function. */
  readonly publishers: readonly string[];
  /** NAT gateways for the brokers' package installs: 1 is cheaper, 3 survives an AZ loss. */
  readonly natGateways: number;
  /** Distinct brokers (in distinct AZs while there are enough) that confirm each message by default, 1 to 3. */
  readonly replicas: number;
  /**
   * Brokers each publish container sends unkeyed messages to (its subset), so
   * a broker holds about this share of the fleet's connections; 0 for every
   * broker. Default 6, which leaves fleets of up to 6 brokers as without.
   */
  readonly subsetSize: number;
  /**
   * Copies of the fleet snapshot publishers read, each under its own partition
   * key: one copy serves about 3 000 read units a second, i.e. 6 000 warm
   * containers at 1 RCU a refresh every 2 s (docs/registry-cost.md). Default 1.
   */
  readonly registrySnapshotCopies: number;
}

/** Context keys are namespaced so they cannot collide with CDK's own feature flags. */
export const APP_CONTEXT_KEYS = {
  registryTableName: 'warren:registryTableName',
  brokerCount: 'warren:brokerCount',
  brokerInstanceType: 'warren:brokerInstanceType',
  brokerDataVolumeGiB: 'warren:brokerDataVolumeGiB',
  rabbitmqVersion: 'warren:rabbitmqVersion',
  erlangMajor: 'warren:erlangMajor',
  topologyFile: 'warren:topologyFile',
  publishers: 'warren:publishers',
  natGateways: 'warren:natGateways',
  replicas: 'warren:replicas',
  subsetSize: 'warren:subsetSize',
  registrySnapshotCopies: 'warren:registrySnapshotCopies',
} as const;

export const APP_DEFAULTS = {
  brokerCount: 3,
  brokerInstanceType: 'm7i.large',
  brokerDataVolumeGiB: 50,
  rabbitmqVersion: '4.1.4',
  erlangMajor: 27,
  natGateways: 1,
  replicas: DEFAULT_REPLICAS,
  subsetSize: DEFAULT_SUBSET_SIZE,
  registrySnapshotCopies: DEFAULT_SNAPSHOT_COPIES,
} as const;

/** Erlang majors each RabbitMQ 4.x minor supports (RabbitMQ's "Erlang version requirements"). */
const SUPPORTED_ERLANG: Readonly<Record<string, readonly number[]>> = {
  '4.0': [26, 27],
  '4.1': [26, 27],
  '4.2': [27, 28],
};

// `cdk -c key=value` passes strings: numbers are coerced, lists may be comma-separated.
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const principal = z
  .string()
  .regex(
    /^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+)$/,
    'must be an account id or an IAM role or user ARN',
  );

const contextSchema = z.object({
  registryTableName: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')
    .optional(),
  brokerCount: count(1, 30).default(APP_DEFAULTS.brokerCount),
  brokerInstanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'must be an EC2 instance type such as m7i.large')
    .refine(
      isX86InstanceType,
      'must be an x86_64 instance type: RabbitMQ publishes its Erlang packages for amd64',
    )
    .default(APP_DEFAULTS.brokerInstanceType),
  brokerDataVolumeGiB: count(8, 16_384).default(APP_DEFAULTS.brokerDataVolumeGiB),
  rabbitmqVersion: z
    .string()
    .regex(/^4\.\d+\.\d+$/, 'must be a RabbitMQ 4.x version such as 4.1.4')
    .default(APP_DEFAULTS.rabbitmqVersion),
  erlangMajor: count(26, 99).default(APP_DEFAULTS.erlangMajor),
  topologyFile: z.string().min(1).optional(),
  publishers: z
    .preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((part) => part.trim())
              .filter((part) => part !== '')
          : value,
      z.array(principal),
    )
    .default([]),
  natGateways: count(1, 3).default(APP_DEFAULTS.natGateways),
  replicas: count(MIN_REPLICAS, MAX_REPLICAS).default(APP_DEFAULTS.replicas),
  subsetSize: count(0, MAX_SUBSET_SIZE).default(APP_DEFAULTS.subsetSize),
  registrySnapshotCopies: count(1, MAX_SNAPSHOT_COPIES).default(
    APP_DEFAULTS.registrySnapshotCopies,
  ),
});

function isX86InstanceType(type: string): boolean {
  try {
    return new InstanceType(type).architecture === InstanceArchitecture.X86_64;
  } catch {
    return false; // CDK throws on identifiers it cannot parse
  }
}

/** A CDK context value that cannot be deployed; synthesis stops with every problem named. */
export class AppConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppConfigError';
  }
}

/**
 * Reads the warren settings from the CDK context of `node`, failing synthesis
 * on a malformed value rather than deploying something unintended.
 *
 * @example
 * // cdk synth -c warren:brokerCount=5 -c warren:publishers=arn:aws:iam::123456789012:role/orders
 * const config = readAppConfig(app.node); // { brokerCount: 5, publishers: ['arn:aws:iam::…'], … }
 */
export function readAppConfig(node: Node): AppConfig {
  const raw = Object.fromEntries(
    Object.entries(APP_CONTEXT_KEYS).map(([field, key]) => [field, node.tryGetContext(key)]),
  );
  const result = contextSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const field = String(issue.path[0]) as keyof typeof APP_CONTEXT_KEYS;
      return `'${APP_CONTEXT_KEYS[field]}' ${issue.message}`;
    });
    throw new AppConfigError(`invalid CDK context: ${problems.join('; ')}`);
  }
  const { topologyFile, ...config } = result.data;
  const minor = config.rabbitmqVersion.split('.').slice(0, 2).join('.');
  const supported = SUPPORTED_ERLANG[minor];
  if (supported && !supported.includes(config.erlangMajor)) {
    throw new AppConfigError(
      `invalid CDK context: '${APP_CONTEXT_KEYS.erlangMajor}' ${config.erlangMajor} does not run RabbitMQ ${minor} (supported: ${supported.join(', ')})`,
    );
  }
  if (config.replicas > config.brokerCount) {
    throw new AppConfigError(
      `invalid CDK context: '${APP_CONTEXT_KEYS.replicas}' ${config.replicas} needs at least as many brokers ('${APP_CONTEXT_KEYS.brokerCount}' is ${config.brokerCount})`,
    );
  }
  return { ...config, topology: readTopology(topologyFile) };
}

function readTopology(file: string | undefined): Topology {
  if (file === undefined) return defaultTopology;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (error) {
    throw new AppConfigError(
      `invalid CDK context: '${APP_CONTEXT_KEYS.topologyFile}' ${file} cannot be read as JSON (${(error as Error).message})`,
    );
  }
  return parseTopology(document, file);
}
