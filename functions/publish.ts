/**
 * The edge Lambda: warren's HTTP API (function URL or API Gateway) and direct
 * invokes whose payload is the same JSON as `POST /v1/publish`. A composition
 * root: config and clients are built once per container, at module scope, so
 * warm invocations reuse the registry cache and the broker connections.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAmqpCredentialsSource } from '../src/amqp/amqp-credentials.js';
import { readPublishConfig } from '../src/config.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { createApp } from '../src/http/app.js';
import { handlePublish, type PublishDeps } from '../src/http/handle-publish.js';
import { createLambdaHandler } from '../src/http/lambda-dispatch.js';
import { createAmqpBrokerPool } from '../src/publish/amqp-broker-pool.js';
import { createPublisher } from '../src/publish/create-publisher.js';
import { createCachedFleetView } from '../src/registry/cached-fleet-view.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';

const config = readPublishConfig(process.env);
const { documentClient } = createDynamoDbClients();
const registry = new DynamoDbHealthRegistry({
  client: documentClient,
  tableName: config.registryTableName,
});
// Warm invocations answer from memory; DynamoDB is read at most once per TTL, in the background.
const fleet = createCachedFleetView({ registry, ttlMs: 2_000, clock: Date.now });
const credentials = createAmqpCredentialsSource(config.amqpCredentials, {
  ...(config.amqpCredentials.source === 'secret' && {
    secretsManager: new SecretsManagerClient({}),
  }),
});
const pool = createAmqpBrokerPool({
  // A broker refusing the login has the secret read again (once, shared), for one retry.
  credentialsFor: (_target, refused) =>
    refused ? credentials.refresh(refused) : credentials.get(),
  // EC2 brokers speak only amqps://, with certificates from the fleet CA.
  ...(config.amqpCaCertPem !== undefined && { caCertPem: config.amqpCaCertPem }),
});
const publisher = createPublisher({
  fleet,
  pool,
  registry,
  probeIntervalMs: config.probeIntervalMs,
});
const onInternalError = (error: unknown) =>
  console.error(
    JSON.stringify({ level: 'ERROR', message: 'internal error', error: String(error) }),
  );
const publishing: PublishDeps = {
  publisher,
  topology: config.topology,
  limits: config.publishLimits,
  deadlineMs: 5_000,
  onInternalError,
};
const app = createApp({ fleet, probeIntervalMs: config.probeIntervalMs, ...publishing });

export const handler = createLambdaHandler(app, (payload) => handlePublish(payload, publishing));
