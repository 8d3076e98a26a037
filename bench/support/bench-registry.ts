/** A fresh registry table on a bench fleet's dynalite, with every broker of the fleet registered. */
import { createRegistryTable } from '../../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import type { Cleanups } from './cleanups.js';

/** The table is named `bench-<name>-<pid>-<now>`, so runs never share one; `cleanups` destroys the client. */
export async function createBenchRegistry(
  fleet: FleetDescription,
  name: string,
  cleanups: Cleanups,
): Promise<DynamoDbHealthRegistry> {
  const clients = createDynamoDbClients({ endpoint: fleet.registry.endpoint });
  cleanups.add(async () => clients.client.destroy());
  const tableName = `bench-${name}-${process.pid}-${Date.now()}`;
  await createRegistryTable(clients.client, tableName);
  const registry = new DynamoDbHealthRegistry({ client: clients.documentClient, tableName });
  for (const broker of fleet.brokers) {
    await registry.registerNode({ id: broker.id, endpoint: broker.endpoint }, new Date());
  }
  return registry;
}
