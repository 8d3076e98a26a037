/** Consumers of `tasks` on every harness broker that de-duplicate through one registry table, as a deployment's would. */
import type { ConsumedMessage } from '../../src/consume/consumed-message.js';
import { type Consumer, createConsumer } from '../../src/consume/create-consumer.js';
import { DynamoDbDedupeStore } from '../../src/consume/dynamodb-dedupe-store.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { credentials } from './publishing.js';
import { freshFleetRegistry } from './registry.js';

/** One consumer per owner, over a fresh registry of the harness brokers and its table's dedupe store. */
export async function dedupeConsumers(
  owners: readonly string[],
  handler: (message: ConsumedMessage) => Promise<void>,
): Promise<Consumer[]> {
  const { registry, clients, tableName } = await freshFleetRegistry();
  return owners.map((owner) =>
    createConsumer({
      registry,
      queue: 'tasks',
      topology: defaultTopology,
      credentialsFor: async () => credentials,
      reconcileIntervalMs: 500,
      dedupe: {
        store: new DynamoDbDedupeStore({ client: clients.documentClient, tableName, owner }),
      },
      handler,
    }),
  );
}
