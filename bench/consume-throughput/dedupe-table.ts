/** The dedupe records of the consume bench: a registry-schema table on the bench fleet's dynalite. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRegistryTable } from '../../src/dynamodb/create-registry-table.js';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import type { Cleanups } from '../support/cleanups.js';

export interface DedupeTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * A fresh table with the registry's key schema on the registry's dynalite (the
 * same server, a client of its own), as a deployment keeps dedupe records in the
 * registry table. `cleanups` destroys the client.
 */
export async function createDedupeTable(
  fleet: FleetDescription,
  cleanups: Cleanups,
): Promise<DedupeTable> {
  const clients = createDynamoDbClients({ endpoint: fleet.registry.endpoint });
  cleanups.add(async () => clients.client.destroy());
  const tableName = `bench-consume-dedupe-${process.pid}-${Date.now()}`;
  await createRegistryTable(clients.client, tableName);
  return { client: clients.documentClient, tableName };
}
