import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BrokerNode } from '../core/broker-node.js';
import { REGISTRY_KEYS } from '../dynamodb/registry-table.js';
import type { FleetSnapshot, RejectedItem } from './health-registry.js';
import { decodeNodeItem } from './node-item.js';
import type { RegistryCalls } from './registry-calls.js';

export interface QueryFleetOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly calls: RegistryCalls;
  /**
   * Strongly consistent: what a snapshot writer needs, so that the items it
   * reads include every write that finished before the read began (twice the
   * read units of an eventually consistent read).
   */
  readonly consistentRead: boolean;
}

/**
 * Every broker item, in id order: a paginated Query of the node partition,
 * each item validated (a malformed one is reported in `rejected`).
 *
 * @example const { nodes } = await queryFleet({ client, tableName, calls, consistentRead: false });
 */
export async function queryFleet(options: QueryFleetOptions): Promise<FleetSnapshot> {
  const nodes: BrokerNode[] = [];
  const rejected: RejectedItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await options.calls.send('read the fleet', () =>
      options.client.send(
        new QueryCommand({
          TableName: options.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': REGISTRY_KEYS.partitionKey },
          ExpressionAttributeValues: { ':pk': REGISTRY_KEYS.nodePartition },
          ExclusiveStartKey: startKey,
          ...(options.consistentRead && { ConsistentRead: true }),
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      const decoded = decodeNodeItem(item);
      if (decoded.ok) nodes.push(decoded.node);
      else rejected.push({ key: decoded.key, reason: decoded.reason });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return { nodes, rejected };
}
