/**
 * The prober Lambda, run by an EventBridge schedule once a minute: a few probe
 * rounds per run, under the prober lease. A composition root: config, clients,
 * logger and metrics are built once per container, at module scope, so warm
 * invocations reuse them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAmqpCredentialsSource } from '../src/amqp/amqp-credentials.js';
import { ConfigError, readProberConfig } from '../src/config.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { PROBER_METRICS } from '../src/prober/prober-metrics.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';
import { createProberService } from '../src/service/create-prober-service.js';
import { credentialsFromSource } from '../src/service/credentials-for.js';
import { createProberHandler } from '../src/service/prober-handler.js';

export type { ProberContext, ProberHandlerResult } from '../src/service/prober-handler.js';

const logger = new Logger({ serviceName: PROBER_METRICS.service });
const metrics = new Metrics({
  namespace: PROBER_METRICS.namespace,
  serviceName: PROBER_METRICS.service,
});

function createProber() {
  const config = readProberConfig(process.env);
  const credentials = createAmqpCredentialsSource(config.amqpCredentials, {
    ...(config.amqpCredentials.source === 'secret' && {
      secretsManager: new SecretsManagerClient({}),
    }),
  });
  const registry = new DynamoDbHealthRegistry({
    client: createDynamoDbClients().documentClient,
    tableName: config.registryTableName,
    snapshotCopies: config.registrySnapshotCopies,
  });
  return createProberService(config.settings, {
    registry,
    credentialsFor: credentialsFromSource(credentials),
    ready: () => credentials.get(),
    onCredentialsError: (error) =>
      logger.warn('could not read the AMQP credentials secret again', { error }),
  });
}

/** A bad configuration answers every invocation (see createProberHandler). */
function configuredProber() {
  try {
    return createProber();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

export const handler = createProberHandler({ service: configuredProber(), logger, metrics });
