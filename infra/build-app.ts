import type { App } from 'aws-cdk-lib';
import { readAppConfig } from './app-config.js';
import { RegistryStack } from './registry-stack.js';

/** Construct ids of warren's stacks, which are also their CloudFormation stack names. */
export const STACK_IDS = {
  registry: 'WarrenRegistry',
} as const;

/**
 * Adds every warren stack to `app`. The entry point (`infra/app.ts`) and the
 * infra tests both go through here, so what the tests check is what deploys.
 *
 * Stacks are environment-agnostic (no account or region) so `cdk synth` needs
 * no credentials and no context lookups; `cdk deploy` takes the environment
 * from the caller's AWS profile.
 *
 * @example
 * const app = buildApp(new App());
 * app.synth();
 */
export function buildApp(app: App): App {
  const config = readAppConfig(app.node);
  new RegistryStack(app, STACK_IDS.registry, {
    description: 'warren: DynamoDB health registry of the RabbitMQ broker fleet',
    tableName: config.registryTableName,
  });
  return app;
}
