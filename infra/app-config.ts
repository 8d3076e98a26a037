import type { Node } from 'constructs';

/** Deployment settings read from CDK context (`cdk.json` or `cdk deploy -c key=value`). */
export interface AppConfig {
  /** Overrides the registry table name; unset keeps the stack's default. */
  readonly registryTableName?: string;
}

/** Context keys are namespaced so they cannot collide with CDK's own feature flags. */
export const APP_CONTEXT_KEYS = {
  registryTableName: 'warren:registryTableName',
} as const;

/**
 * Reads the warren settings from the CDK context of `node`, failing synthesis
 * on a malformed value rather than deploying something unintended.
 *
 * @example
 * // cdk synth -c warren:registryTableName=warren-registry-staging
 * const config = readAppConfig(app.node); // { registryTableName: 'warren-registry-staging' }
 */
export function readAppConfig(node: Node): AppConfig {
  const registryTableName: unknown = node.tryGetContext(APP_CONTEXT_KEYS.registryTableName);
  if (registryTableName === undefined) return {};
  if (typeof registryTableName !== 'string' || registryTableName.trim() === '') {
    throw new Error(
      `CDK context '${APP_CONTEXT_KEYS.registryTableName}' must be a non-empty string, got ${JSON.stringify(registryTableName)}`,
    );
  }
  return { registryTableName };
}
