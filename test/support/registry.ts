import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createRegistryTable } from '../../src/registry/create-registry-table.js';
import { createDynamoDbClients, type DynamoDbClients } from '../../src/registry/dynamodb-client.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';

/** A registry on its own fresh table in the run's dynalite, so tests never see each other's items. */
export async function freshRegistry(): Promise<{
  registry: DynamoDbHealthRegistry;
  clients: DynamoDbClients;
  tableName: string;
}> {
  const clients = createDynamoDbClients({ endpoint: inject('fleet').registry.endpoint });
  const tableName = `test-${randomUUID()}`;
  await createRegistryTable(clients.client, tableName);
  return {
    registry: new DynamoDbHealthRegistry({ client: clients.documentClient, tableName }),
    clients,
    tableName,
  };
}

/** A fresh registry listing the harness brokers, as a deployment's registry would. */
export async function freshFleetRegistry(): Promise<Awaited<ReturnType<typeof freshRegistry>>> {
  const fresh = await freshRegistry();
  for (const broker of inject('fleet').brokers) {
    await fresh.registry.registerNode(
      {
        id: broker.id,
        endpoint: broker.endpoint,
        ...(broker.managementEndpoint && { managementEndpoint: broker.managementEndpoint }),
      },
      new Date(),
    );
  }
  return fresh;
}
