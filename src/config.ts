import { z } from 'zod';
import { DEFAULT_REGISTRY_TABLE_NAME } from './registry/registry-table.js';

/**
 * Environment variables the Lambda functions read. The CDK stacks set them by
 * these names (never by literal), so a rename cannot drift between the two.
 */
export const ENV = {
  registryTable: 'WARREN_REGISTRY_TABLE',
  probeIntervalMs: 'WARREN_PROBE_INTERVAL_MS',
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

/**
 * Reads and validates function configuration from `env`.
 *
 * @example const config = readConfig(process.env); // { registryTableName: 'warren-registry', probeIntervalMs: 15000 }
 */
export function readConfig(env: NodeJS.ProcessEnv): FunctionConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return {
    registryTableName: result.data[ENV.registryTable],
    probeIntervalMs: result.data[ENV.probeIntervalMs],
  };
}
