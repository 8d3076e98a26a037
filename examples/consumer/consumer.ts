/**
 * Consumes a queue of the local fleet from every broker with warren's consumer
 * and prints each message as one JSON line. Reads the registry's address and
 * the topology from the fleet's state file, `<WARREN_DATA_DIR>/fleet.json`,
 * which `npm start` writes (default data dir: `.warren`).
 *
 *   QUEUE=tasks npx tsx examples/consumer/consumer.ts
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createConsumer,
  createDynamoDbClients,
  DynamoDbHealthRegistry,
  parseTopology,
} from '../../src/index.js';

const dataDir = process.env.WARREN_DATA_DIR ?? '.warren';
const fleet = JSON.parse(await readFile(join(dataDir, 'fleet.json'), 'utf8')) as {
  registry: { endpoint: string; tableName: string };
  topology: unknown;
};

const { documentClient } = createDynamoDbClients({ endpoint: fleet.registry.endpoint });
const registry = new DynamoDbHealthRegistry({
  client: documentClient,
  tableName: fleet.registry.tableName,
});
const consumer = createConsumer({
  registry,
  queue: process.env.QUEUE ?? 'tasks',
  topology: parseTopology(fleet.topology),
  // The local brokers' default user; a deployment reads it from Secrets Manager.
  credentialsFor: async () => ({ username: 'guest', password: 'guest' }),
  handler: async (message) => {
    console.log(JSON.stringify({ id: message.id, node: message.node, body: message.body }));
  },
  onEvent: (event) => {
    if (event.type === 'attached') console.error(`attached to ${event.node}`);
  },
});

const stop = () => void consumer.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
