import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { formatEndpoint, InvalidAmqpUrlError, parseAmqpUrl } from '../core/amqp-endpoint.js';
import type { AdminStateName } from '../core/broker-node.js';
import { assertNodeId } from '../core/node-id.js';
import { REGISTRY_KEYS } from '../dynamodb/registry-table.js';
import { buildUpdate } from '../dynamodb/update-expression.js';
import { DynamoDbFleetSnapshots } from './dynamodb-fleet-snapshots.js';
import {
  type FleetSnapshot,
  type HealthRegistry,
  type HealthWrite,
  NodeNotFoundError,
  type NodeRegistration,
  type ProberLease,
  RegistryUnavailableError,
} from './health-registry.js';
import { queryFleet } from './query-fleet.js';
import { type RegistryCalls, registryCalls } from './registry-calls.js';

const LEASE_KEY = {
  [REGISTRY_KEYS.partitionKey]: REGISTRY_KEYS.leasePartition,
  [REGISTRY_KEYS.sortKey]: 'prober',
};

export interface DynamoDbHealthRegistryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Copies of the fleet snapshot this registry writes (see `DynamoDbFleetSnapshots`). Default `DEFAULT_SNAPSHOT_COPIES` (4). */
  readonly snapshotCopies?: number;
}

/**
 * The health registry in one DynamoDB table (see `registry-table.ts` for keys).
 *
 * @example
 * const registry = new DynamoDbHealthRegistry({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName });
 * const { nodes } = await registry.listNodes();
 */
export class DynamoDbHealthRegistry implements HealthRegistry {
  /** The fleet snapshot publishers read; republished here after every operator's change. */
  readonly snapshots: DynamoDbFleetSnapshots;
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #calls: RegistryCalls;

  constructor(options: DynamoDbHealthRegistryOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#calls = registryCalls(options.tableName);
    this.snapshots = new DynamoDbFleetSnapshots({
      client: options.client,
      tableName: options.tableName,
      ...(options.snapshotCopies !== undefined && { copies: options.snapshotCopies }),
    });
  }

  listNodes(): Promise<FleetSnapshot> {
    return queryFleet({
      client: this.#client,
      tableName: this.#tableName,
      calls: this.#calls,
      consistentRead: false,
    });
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
    if (result.Attributes?.registeredAt === undefined) return 'created';
    // A broker already known may have moved (a replaced instance): publishers must connect to the
    // new endpoint. A new broker waits for the prober's next round, which it needs to become eligible.
    await this.#republish(`broker ${id} registered`, now);
    return 'updated';
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
    // Publishers route on the snapshot: without this, a drain would wait for the prober's next round.
    await this.#republish(`broker ${id} set ${state}`, now);
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

  async #republish(done: string, now: Date): Promise<void> {
    try {
      await this.snapshots.publish(now);
    } catch (error) {
      throw new RegistryUnavailableError(
        `${done}, but the fleet snapshot was not republished: publishers see the change after the prober's next round (${(error as Error).message})`,
        { cause: error },
      );
    }
  }

  #nodeKey(id: string): Record<string, string> {
    return {
      [REGISTRY_KEYS.partitionKey]: REGISTRY_KEYS.nodePartition,
      [REGISTRY_KEYS.sortKey]: id,
    };
  }
}
