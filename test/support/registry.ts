import { randomUUID } from 'node:crypto';
import { inject, vi } from 'vitest';
import { ENV } from '../../src/config.js';
import { createRegistryTable } from '../../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients, type DynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
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

/**
 * The registry part of a deployed function's environment (`WARREN_REGISTRY_TABLE`,
 * region, credentials), with the AWS SDK pointed at the run's dynalite.
 */
export function stubRegistryEnv(tableName: string): void {
  vi.stubEnv(ENV.registryTable, tableName);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('fleet').registry.endpoint);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
}
