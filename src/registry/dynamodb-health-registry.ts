import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { formatEndpoint, InvalidAmqpUrlError, parseAmqpUrl } from '../core/amqp-endpoint.js';
import type { BrokerNode } from '../core/broker-node.js';
import { assertNodeId } from '../core/node-id.js';
import type {
  FleetSnapshot,
  HealthRegistry,
  NodeRegistration,
  RejectedItem,
} from './health-registry.js';
import { RegistryUnavailableError } from './health-registry.js';
import { decodeNodeItem } from './node-item.js';
import { REGISTRY_KEYS } from './registry-table.js';

export interface DynamoDbHealthRegistryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * The health registry in one DynamoDB table (see `registry-table.ts` for keys).
 *
 * @example
 * const registry = new DynamoDbHealthRegistry({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName });
 * const { nodes } = await registry.listNodes();
 */
export class DynamoDbHealthRegistry implements HealthRegistry {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoDbHealthRegistryOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async listNodes(): Promise<FleetSnapshot> {
    const nodes: BrokerNode[] = [];
    const rejected: RejectedItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#send('read the fleet', () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': REGISTRY_KEYS.partitionKey },
            ExpressionAttributeValues: { ':pk': REGISTRY_KEYS.nodePartition },
            ExclusiveStartKey: startKey,
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

  async registerNode(registration: NodeRegistration, now: Date): Promise<'created' | 'updated'> {
    const id = assertNodeId(registration.id);
    const endpoint = parseAmqpUrl(registration.endpoint);
    if (endpoint.username !== undefined) {
      throw new InvalidAmqpUrlError(
        registration.endpoint,
        'credentials do not belong in the registry',
      );
    }
    const at = now.toISOString();
    const details: Record<string, unknown> = {
      endpoint: formatEndpoint(endpoint),
      labels: registration.labels ?? {},
      ...(registration.managementEndpoint && {
        managementEndpoint: registration.managementEndpoint,
      }),
      ...(registration.az && { az: registration.az }),
    };
    // One upsert: endpoint details always; health, admin and counters only when the item is new.
    const initial: Record<string, unknown> = {
      health: { state: 'initial' },
      admin: { state: 'active', since: at },
      registeredAt: at,
      consecutiveSuccesses: 0,
      consecutiveFailures: 0,
      flapCount: 0,
      probeSeq: 0,
      version: 0,
    };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    for (const [i, [name, value]] of Object.entries(details).entries()) {
      names[`#d${i}`] = name;
      values[`:d${i}`] = value;
      sets.push(`#d${i} = :d${i}`);
    }
    for (const [i, [name, value]] of Object.entries(initial).entries()) {
      names[`#i${i}`] = name;
      values[`:i${i}`] = value;
      sets.push(`#i${i} = if_not_exists(#i${i}, :i${i})`);
    }
    const result = await this.#send(`register broker ${id}`, () =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: {
            [REGISTRY_KEYS.partitionKey]: REGISTRY_KEYS.nodePartition,
            [REGISTRY_KEYS.sortKey]: id,
          },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_OLD',
        }),
      ),
    );
    return result.Attributes?.registeredAt === undefined ? 'created' : 'updated';
  }

  async #send<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new RegistryUnavailableError(
        `cannot ${action} in table ${this.#tableName}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
}
