import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { findFreePorts } from '../../src/fleet/free-ports.js';
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

/** A fresh registry listing `count` brokers on loopback ports where nothing listens: a fleet that is all down. */
export async function deadFleetRegistry(count = 3): Promise<DynamoDbHealthRegistry> {
  const { registry } = await freshRegistry();
  for (const [i, port] of (await findFreePorts(count)).entries()) {
    await registry.registerNode({ id: `d${i}`, endpoint: `amqp://127.0.0.1:${port}` }, new Date());
  }
  return registry;
}
