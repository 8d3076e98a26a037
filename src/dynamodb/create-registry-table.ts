import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { REGISTRY_KEYS } from './registry-table.js';

/**
 * Creates the registry table where nothing provisions it (the local fleet, tests);
 * on AWS the CDK registry stack owns it. An existing table is left as it is.
 */
export async function createRegistryTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: REGISTRY_KEYS.partitionKey, AttributeType: 'S' },
          { AttributeName: REGISTRY_KEYS.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: REGISTRY_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: REGISTRY_KEYS.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
}
