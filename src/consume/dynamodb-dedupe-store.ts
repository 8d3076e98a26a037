import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamoDbCalls } from '../dynamodb/dynamodb-call.js';
import { REGISTRY_KEYS, REGISTRY_TTL_ATTRIBUTE } from '../dynamodb/registry-table.js';
import { buildUpdate } from '../dynamodb/update-expression.js';
import {
  assertDedupeKey,
  assertWindow,
  type ClaimOutcome,
  DedupeClaimLostError,
  type DedupeKey,
  type DedupeRecord,
  type DedupeStore,
  DedupeStoreUnavailableError,
  recordState,
} from './dedupe-store.js';

/**
 * Dedupe items live in the registry table, one partition per message:
 * `pk = "dedupe#<messageId>"`, `sk = <scope>`. Message ids are UUIDv7 from
 * many publishers, so writes spread over partitions instead of heating one;
 * the prefix keeps them apart from `node` and `lease`; the scope in the sort
 * key needs no separator, so neither part has a character it may not contain.
 */
const DEDUPE_PARTITION_PREFIX = 'dedupe#';

export interface DynamoDbDedupeStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /** The registry table (see `registry-table.ts`). */
  readonly tableName: string;
  /** This consumer's id in claims; two consumers must never share one. Default: a random UUID. */
  readonly owner?: string;
}

/**
 * A DedupeStore on DynamoDB conditional writes. Expiry is an `expiresAt`
 * attribute the conditions compare, so correctness needs neither TTL nor
 * transactions; every write also sets the table's TTL attribute
 * (`REGISTRY_TTL_ATTRIBUTE`, epoch seconds) so DynamoDB deletes the record
 * once expired, typically within days, and the table does not grow forever.
 *
 * @example
 * const store = new DynamoDbDedupeStore({ client: documentClient, tableName: 'warren-registry' });
 * if ((await store.claim({ scope: 'billing', messageId }, new Date(), 30_000)) === 'claimed') { ... }
 */
export class DynamoDbDedupeStore implements DedupeStore {
  readonly owner: string;
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #calls: ReturnType<typeof dynamoDbCalls>;

  constructor(options: DynamoDbDedupeStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#calls = dynamoDbCalls(
      (message, cause) => new DedupeStoreUnavailableError(message, { cause }),
      options.tableName,
    );
    this.owner = options.owner ?? randomUUID();
  }

  async claim(key: DedupeKey, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    assertDedupeKey(key);
    assertWindow(now, leaseMs, 'leaseMs');
    // Tells our own write apart when the SDK retried it after a lost response and the retry failed the condition.
    const claimId = randomUUID();
    const expiresAt = now.getTime() + leaseMs;
    const update = buildUpdate({
      set: {
        status: 'in-progress',
        owner: this.owner,
        claimId,
        expiresAt,
        [REGISTRY_TTL_ATTRIBUTE]: deletableAfter(expiresAt),
      },
      condition: {
        expression: 'attribute_not_exists(#pk) OR #expiresAt < :now',
        names: { '#pk': REGISTRY_KEYS.partitionKey, '#expiresAt': 'expiresAt' },
        values: { ':now': now.getTime() },
      },
    });
    const outcome = await this.#calls.conditional(`claim ${label(key)}`, 'taken', async () => {
      await this.#client.send(
        new UpdateCommand({ TableName: this.#tableName, Key: itemKey(key), ...update }),
      );
      return 'claimed' as const;
    });
    if (outcome === 'claimed') return outcome;
    const { Item: item } = await this.#calls.send(`read ${label(key)}`, () =>
      this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: itemKey(key), ConsistentRead: true }),
      ),
    );
    if (item?.claimId === claimId) return 'claimed';
    const state = recordState(decodeRecord(item), now);
    // Free here means the holder released it after our write: a requeue will find it free.
    return state === 'free' ? 'in-progress' : state;
  }

  async complete(key: DedupeKey, now: Date, retainMs: number): Promise<void> {
    assertDedupeKey(key);
    assertWindow(now, retainMs, 'retainMs');
    const expiresAt = now.getTime() + retainMs;
    const update = buildUpdate({
      set: { status: 'done', expiresAt, [REGISTRY_TTL_ATTRIBUTE]: deletableAfter(expiresAt) },
      // Ownership alone, not status: a complete the SDK retried after a lost response must not read as a loss.
      condition: ownedBy(this.owner),
    });
    const outcome = await this.#calls.conditional(`complete ${label(key)}`, 'lost', async () => {
      await this.#client.send(
        new UpdateCommand({ TableName: this.#tableName, Key: itemKey(key), ...update }),
      );
      return 'completed' as const;
    });
    if (outcome === 'lost') throw new DedupeClaimLostError(key);
  }

  async release(key: DedupeKey): Promise<void> {
    assertDedupeKey(key);
    const owned = ownedBy(this.owner);
    // Only an in-progress claim: releasing after complete must not let the message be processed again.
    await this.#calls.conditional(`release ${label(key)}`, 'not-held', async () => {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: itemKey(key),
          ConditionExpression: `${owned.expression} AND #status = :inProgress`,
          ExpressionAttributeNames: { ...owned.names, '#status': 'status' },
          ExpressionAttributeValues: { ...owned.values, ':inProgress': 'in-progress' },
        }),
      );
      return 'released' as const;
    });
  }
}

function itemKey(key: DedupeKey): Record<string, string> {
  return {
    [REGISTRY_KEYS.partitionKey]: `${DEDUPE_PARTITION_PREFIX}${key.messageId}`,
    [REGISTRY_KEYS.sortKey]: key.scope,
  };
}

/**
 * The TTL value for a record that expires at `expiresAtMs`: the next whole
 * second after it, so DynamoDB never deletes a record while it still counts.
 */
function deletableAfter(expiresAtMs: number): number {
  return Math.floor(expiresAtMs / 1000) + 1;
}

function ownedBy(owner: string) {
  return {
    expression: '#owner = :owner',
    names: { '#owner': 'owner' },
    values: { ':owner': owner },
  };
}

function label(key: DedupeKey): string {
  return `message ${key.messageId} in scope ${key.scope}`;
}

/** An item that is not a well-formed record counts as a live claim: never process on a guess. */
function decodeRecord(item: Record<string, unknown> | undefined): DedupeRecord | undefined {
  if (item === undefined) return undefined;
  const { status, owner, expiresAt } = item;
  const valid = (status === 'done' || status === 'in-progress') && typeof expiresAt === 'number';
  return valid
    ? { status, owner: String(owner), expiresAt }
    : { status: 'in-progress', owner: '', expiresAt: Number.POSITIVE_INFINITY };
}
