import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { formatEndpoint, InvalidAmqpUrlError, parseAmqpUrl } from '../core/amqp-endpoint.js';
import type { AdminStateName, BrokerNode } from '../core/broker-node.js';
import { assertNodeId } from '../core/node-id.js';
import { dynamoDbCalls } from '../dynamodb/dynamodb-call.js';
import { REGISTRY_KEYS } from '../dynamodb/registry-table.js';
import { buildUpdate } from '../dynamodb/update-expression.js';
import {
  type FleetSnapshot,
  type HealthRegistry,
  type HealthWrite,
  NodeNotFoundError,
  type NodeRegistration,
  type ProberLease,
  RegistryUnavailableError,
  type RejectedItem,
} from './health-registry.js';
import { decodeNodeItem } from './node-item.js';

const LEASE_KEY = {
  [REGISTRY_KEYS.partitionKey]: REGISTRY_KEYS.leasePartition,
  [REGISTRY_KEYS.sortKey]: 'prober',
};

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
  readonly #calls: ReturnType<typeof dynamoDbCalls>;

  constructor(options: DynamoDbHealthRegistryOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#calls = dynamoDbCalls(
      (message, cause) => new RegistryUnavailableError(message, { cause }),
      options.tableName,
    );
  }

  async listNodes(): Promise<FleetSnapshot> {
    const nodes: BrokerNode[] = [];
    const rejected: RejectedItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#calls.send('read the fleet', () =>
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
    const result = await this.#calls.send(`register broker ${id}`, () =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#nodeKey(id),
          // One upsert: endpoint details always; health, admin and counters only when the item is new.
          ...buildUpdate({
            set: {
              endpoint: formatEndpoint(endpoint),
              ...(registration.labels && { labels: registration.labels }),
              ...(registration.managementEndpoint && {
                managementEndpoint: registration.managementEndpoint,
              }),
              ...(registration.az && { az: registration.az }),
            },
            setIfAbsent: {
              ...(!registration.labels && { labels: {} }),
              health: { state: 'initial' },
              admin: { state: 'active', since: at },
              registeredAt: at,
              consecutiveSuccesses: 0,
              consecutiveFailures: 0,
              flapCount: 0,
              probeSeq: 0,
              version: 0,
            },
          }),
          ReturnValues: 'UPDATED_OLD',
        }),
      ),
    );
    return result.Attributes?.registeredAt === undefined ? 'created' : 'updated';
  }

  async recordHealth(write: HealthWrite): Promise<'written' | 'conflict'> {
    const { record } = write;
    const update = buildUpdate({
      set: {
        health: record.health,
        consecutiveSuccesses: record.consecutiveSuccesses,
        consecutiveFailures: record.consecutiveFailures,
        flapCount: record.flapCount,
        lastProbeAt: write.probedAt,
        probeSeq: write.probeSeq,
        ...(record.lastTransitionAt && { lastTransitionAt: record.lastTransitionAt }),
        ...(record.holdDownUntil && { holdDownUntil: record.holdDownUntil }),
        ...(write.latencyMs !== undefined && { latencyMs: write.latencyMs }),
      },
      increment: ['version'],
      // A probe that measured no latency clears the old figure rather than leave a dead broker looking fast.
      remove: [
        ...(record.holdDownUntil ? [] : ['holdDownUntil']),
        ...(write.latencyMs === undefined ? ['latencyMs'] : []),
      ],
      condition: {
        expression:
          'attribute_exists(#pk) AND #version = :expectedVersion AND #probeSeq < :probeSeq',
        names: {
          '#pk': REGISTRY_KEYS.partitionKey,
          '#version': 'version',
          '#probeSeq': 'probeSeq',
        },
        values: { ':expectedVersion': write.expectedVersion, ':probeSeq': write.probeSeq },
      },
    });
    return this.#calls.conditional(
      `record the health of broker ${write.id}`,
      'conflict',
      async () => {
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#tableName,
            Key: this.#nodeKey(write.id),
            ...update,
          }),
        );
        return 'written' as const;
      },
    );
  }

  async reportOutlier(id: string, now: Date): Promise<void> {
    const update = buildUpdate({
      set: { outlierReportedAt: now.toISOString() },
      condition: {
        expression: 'attribute_exists(#pk)',
        names: { '#pk': REGISTRY_KEYS.partitionKey },
      },
    });
    // A report for a broker that has gone from the registry has nothing to warn about.
    await this.#calls.conditional(`report broker ${id} as an outlier`, 'missing', async () => {
      await this.#client.send(
        new UpdateCommand({ TableName: this.#tableName, Key: this.#nodeKey(id), ...update }),
      );
      return 'reported' as const;
    });
  }

  async setAdminState(id: string, state: AdminStateName, now: Date): Promise<void> {
    const update = buildUpdate({
      set: { admin: { state, since: now.toISOString() } },
      condition: {
        expression: 'attribute_exists(#pk)',
        names: { '#pk': REGISTRY_KEYS.partitionKey },
      },
    });
    const outcome = await this.#calls.conditional(
      `set broker ${id} ${state}`,
      'missing',
      async () => {
        await this.#client.send(
          new UpdateCommand({ TableName: this.#tableName, Key: this.#nodeKey(id), ...update }),
        );
        return 'set' as const;
      },
    );
    if (outcome === 'missing') throw new NodeNotFoundError(id);
  }

  async acquireLease(
    holder: string,
    now: Date,
    ttlMs: number,
    lastRound?: Record<string, unknown>,
  ): Promise<boolean> {
    const update = buildUpdate({
      set: {
        holder,
        expiresAt: now.getTime() + ttlMs,
        heartbeatAt: now.toISOString(),
        ...(lastRound && { lastRound }),
      },
      condition: {
        expression: 'attribute_not_exists(#pk) OR #holder = :holder OR #expiresAt < :now',
        names: {
          '#pk': REGISTRY_KEYS.partitionKey,
          '#holder': 'holder',
          '#expiresAt': 'expiresAt',
        },
        values: { ':holder': holder, ':now': now.getTime() },
      },
    });
    const outcome = await this.#calls.conditional('take the prober lease', 'held', async () => {
      await this.#client.send(
        new UpdateCommand({ TableName: this.#tableName, Key: LEASE_KEY, ...update }),
      );
      return 'acquired' as const;
    });
    return outcome === 'acquired';
  }

  async releaseLease(holder: string, now: Date): Promise<void> {
    const update = buildUpdate({
      set: { expiresAt: now.getTime() },
      condition: {
        expression: '#holder = :holder',
        names: { '#holder': 'holder' },
        values: { ':holder': holder },
      },
    });
    await this.#calls.conditional('release the prober lease', 'not-held', async () => {
      await this.#client.send(
        new UpdateCommand({ TableName: this.#tableName, Key: LEASE_KEY, ...update }),
      );
      return 'released' as const;
    });
  }

  async readLease(): Promise<ProberLease | undefined> {
    const { Item: item } = await this.#calls.send('read the prober lease', () =>
      this.#client.send(new GetCommand({ TableName: this.#tableName, Key: LEASE_KEY })),
    );
    if (!item || typeof item.holder !== 'string' || typeof item.expiresAt !== 'number')
      return undefined;
    return {
      holder: item.holder,
      expiresAt: new Date(item.expiresAt).toISOString(),
      ...(typeof item.heartbeatAt === 'string' && { heartbeatAt: item.heartbeatAt }),
      ...(item.lastRound &&
        typeof item.lastRound === 'object' && {
          lastRound: item.lastRound as Record<string, unknown>,
        }),
    };
  }

  #nodeKey(id: string): Record<string, string> {
    return {
      [REGISTRY_KEYS.partitionKey]: REGISTRY_KEYS.nodePartition,
      [REGISTRY_KEYS.sortKey]: id,
    };
  }
}
