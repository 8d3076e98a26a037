/**
 * The edge Lambda: warren's HTTP API behind a function URL or API Gateway v2.
 * A composition root: config and clients are built once per container, at
 * module scope, so warm invocations reuse them.
 */
import { handle } from 'hono/aws-lambda';
import { readConfig } from '../src/config.js';
import { createApp } from '../src/http/app.js';
import { createCachedFleetView } from '../src/registry/cached-fleet-view.js';
import { createDynamoDbClients } from '../src/registry/dynamodb-client.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';

const config = readConfig(process.env);
const { documentClient } = createDynamoDbClients();
const registry = new DynamoDbHealthRegistry({
  client: documentClient,
  tableName: config.registryTableName,
});
// Warm invocations answer from memory; DynamoDB is read at most once per TTL, in the background.
const fleet = createCachedFleetView({ registry, ttlMs: 2_000, clock: Date.now });
const app = createApp({
  fleet,
  probeIntervalMs: config.probeIntervalMs,
  onInternalError: (error) =>
    console.error(
      JSON.stringify({ level: 'ERROR', message: 'internal error', error: String(error) }),
    ),
});

export const handler = handle(app);
