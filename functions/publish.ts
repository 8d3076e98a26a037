/**
 * The edge Lambda: warren's HTTP API (function URL or API Gateway) and direct
 * invokes whose payload is the same JSON as `POST /v1/publish`. A composition
 * root: config and clients are built once per container, at module scope, so
 * warm invocations reuse the registry cache and the broker connections.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAmqpCredentialsSource } from '../src/amqp/amqp-credentials.js';
import { readPublishConfig } from '../src/config.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { createLambdaHandler } from '../src/http/lambda-dispatch.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';
import { createPublishService } from '../src/service/create-publish-service.js';
import { credentialsFromSource } from '../src/service/credentials-for.js';
import { PUBLISH_METRICS } from '../src/service/publish-metrics.js';
import { createPublishRequestReporter } from '../src/service/publish-request-reporter.js';

const logger = new Logger({ serviceName: PUBLISH_METRICS.service });
const metrics = new Metrics({
  namespace: PUBLISH_METRICS.namespace,
  serviceName: PUBLISH_METRICS.service,
});

const config = readPublishConfig(process.env);
const credentials = createAmqpCredentialsSource(config.amqpCredentials, {
  ...(config.amqpCredentials.source === 'secret' && {
    secretsManager: new SecretsManagerClient({}),
  }),
});
const service = createPublishService(config.settings, {
  registry: new DynamoDbHealthRegistry({
    client: createDynamoDbClients().documentClient,
    tableName: config.registryTableName,
    snapshotCopies: config.registrySnapshotCopies,
  }),
  credentialsFor: credentialsFromSource(credentials),
  onInternalError: (error) => logger.error('internal error', { error }),
});

export const handler = createLambdaHandler(service, {
  onRequest: createPublishRequestReporter({ logger, metrics }),
});
