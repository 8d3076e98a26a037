import * as z from 'zod';

/**
 * Environment variables the Lambda functions read. The CDK stacks set them by
 * these names (never by literal), so a rename cannot drift between the two.
 */
export const ENV = {
  registryTable: 'WARREN_REGISTRY_TABLE',
  /** Copies of the fleet snapshot: the prober writes them all, each publisher reads one. */
  registrySnapshotCopies: 'WARREN_REGISTRY_SNAPSHOT_COPIES',
  probeIntervalMs: 'WARREN_PROBE_INTERVAL_MS',
  probeRounds: 'WARREN_PROBE_ROUNDS',
  probeTimeoutMs: 'WARREN_PROBE_TIMEOUT_MS',
  probeConcurrency: 'WARREN_PROBE_CONCURRENCY',
  healthWritesPerSecond: 'WARREN_HEALTH_WRITES_PER_SECOND',
  amqpSecretArn: 'WARREN_AMQP_SECRET_ARN',
  amqpSecretMaxAgeMs: 'WARREN_AMQP_SECRET_MAX_AGE_MS',
  amqpUsername: 'WARREN_AMQP_USERNAME',
  amqpPassword: 'WARREN_AMQP_PASSWORD',
  amqpCaCert: 'WARREN_AMQP_CA_CERT',
  topology: 'WARREN_TOPOLOGY',
  maxMessages: 'WARREN_MAX_MESSAGES',
  maxMessageBytes: 'WARREN_MAX_MESSAGE_BYTES',
  maxRequestBytes: 'WARREN_MAX_REQUEST_BYTES',
  replicas: 'WARREN_REPLICAS',
  subsetSize: 'WARREN_SUBSET_SIZE',
} as const;

/** Configuration that cannot be used; `message` names every bad variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

// CloudFormation and shells set optional variables to '' rather than leaving them out.
export const blankAsUnset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

export function configError(problems: readonly string[]): ConfigError {
  return new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}
