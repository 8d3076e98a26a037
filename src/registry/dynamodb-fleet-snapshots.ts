import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeRoutingSnapshot } from '../core/decode-routing-snapshot.js';
import { encodeRoutingSnapshot, routingNodeOf } from '../core/routing-snapshot.js';
import {
  DEFAULT_SNAPSHOT_COPIES,
  MAX_SNAPSHOT_COPIES,
  REGISTRY_KEYS,
  snapshotCopyPartition,
} from '../dynamodb/registry-table.js';
import { buildUpdate } from '../dynamodb/update-expression.js';
import type { FleetSnapshots, SnapshotPublication, SnapshotRead } from './fleet-snapshots.js';
import { RegistryUnavailableError } from './health-registry.js';
import { queryFleet } from './query-fleet.js';
import { type RegistryCalls, registryCalls } from './registry-calls.js';

/** Attributes of a snapshot copy item; short, since every reader pays for their names. */
const COPY = { data: 'd', sequence: 'seq', writtenAt: 'at', brokers: 'n' } as const;
/** Attributes of the sequence counter item. */
const COUNTER = { sequence: 'seq', copies: 'copies' } as const;

const COUNTER_KEY = {
  [REGISTRY_KEYS.partitionKey]: REGISTRY_KEYS.snapshotPartition,
  [REGISTRY_KEYS.sortKey]: REGISTRY_KEYS.snapshotSequenceSortKey,
};
const copyKey = (copy: number) => ({
  [REGISTRY_KEYS.partitionKey]: snapshotCopyPartition(copy),
  [REGISTRY_KEYS.sortKey]: REGISTRY_KEYS.snapshotCopySortKey,
});

export interface DynamoDbFleetSnapshotsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * Copies to keep (1 to 16). A writer writes at least the copies the table's
   * counter item records (the most any writer asked for), so an operator's
   * command with the default still updates every copy the prober keeps.
   * Default `DEFAULT_SNAPSHOT_COPIES` (4).
   */
  readonly copies?: number;
}

/**
 * The fleet snapshot in the registry table (keys in `registry-table.ts`): a
 * counter item hands out sequences, and each copy is one item holding the
 * brotli-compressed columns of `encodeRoutingSnapshot`, written only over an
 * older sequence.
 *
 * @example
 * const snapshots = new DynamoDbFleetSnapshots({ client: documentClient, tableName, copies: 2 });
 * await snapshots.publish(new Date()); // after writing broker items
 * const read = await snapshots.read(0);
 */
export class DynamoDbFleetSnapshots implements FleetSnapshots {
  readonly copies: number;
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #calls: RegistryCalls;

  constructor(options: DynamoDbFleetSnapshotsOptions) {
    const copies = options.copies ?? DEFAULT_SNAPSHOT_COPIES;
    if (!Number.isInteger(copies) || copies < 1 || copies > MAX_SNAPSHOT_COPIES) {
      throw new RangeError(`snapshot copies must be 1 to ${MAX_SNAPSHOT_COPIES}, got ${copies}`);
    }
    this.copies = copies;
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#calls = registryCalls(options.tableName);
  }

  async publish(now: Date): Promise<SnapshotPublication> {
    // The order is the guarantee: the sequence is taken before the read, so a
    // higher sequence always comes from a read that began later, and a copy
    // that refuses an older sequence can never be rolled back by a slow writer.
    const { sequence, copies } = await this.#allocate();
    const { nodes } = await queryFleet({
      client: this.#client,
      tableName: this.#tableName,
      calls: this.#calls,
      consistentRead: true,
    });
    const bytes = encodeRoutingSnapshot({
      sequence,
      writtenAt: now.toISOString(),
      nodes: nodes.map(routingNodeOf),
    });
    const outcomes = await Promise.all(
      Array.from({ length: copies }, (_, copy) =>
        this.#writeCopy(copy, sequence, bytes, now, nodes.length),
      ),
    );
    const written = outcomes.filter((outcome) => outcome === 'written').length;
    // Best effort: the publication itself is done, and the next one tries again. (A caller
    // allowed to write but not to GetItem, such as the broker registration function, lands here.)
    if (written < copies) await this.#catchUpCounter(copies).catch(() => undefined);
    return {
      sequence,
      brokers: nodes.length,
      bytes: bytes.byteLength,
      written,
      superseded: copies - written,
    };
  }

  async read(copy: number): Promise<SnapshotRead> {
    // Eventually consistent, half the units: a copy a moment behind is served
    // as the newer one the reader already holds (see snapshot-fleet-reader.ts).
    const { Item: item } = await this.#calls.send(`read fleet snapshot copy ${copy}`, () =>
      this.#client.send(new GetCommand({ TableName: this.#tableName, Key: copyKey(copy) })),
    );
    if (item === undefined) return { kind: 'missing', copy };
    const data = item[COPY.data];
    if (!(data instanceof Uint8Array)) {
      return { kind: 'rejected', copy, reason: `attribute ${COPY.data} is not binary` };
    }
    const decoded = decodeRoutingSnapshot(data);
    if (!decoded.ok) return { kind: 'rejected', copy, reason: decoded.reason };
    // The condition of every write compares the item's own sequence: one that
    // disagrees with the data's was not written by this code.
    if (item[COPY.sequence] !== decoded.snapshot.sequence) {
      return {
        kind: 'rejected',
        copy,
        reason: `the item's ${COPY.sequence} ${String(item[COPY.sequence])} is not the data's ${decoded.snapshot.sequence}`,
      };
    }
    return { kind: 'found', copy, snapshot: decoded.snapshot };
  }

  /** The next sequence, and how many copies to write: the most any writer has asked for. */
  async #allocate(): Promise<{ sequence: number; copies: number }> {
    const { Attributes: counter } = await this.#calls.send('take a fleet snapshot sequence', () =>
      this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: COUNTER_KEY,
          UpdateExpression: 'ADD #seq :one SET #copies = if_not_exists(#copies, :copies)',
          ExpressionAttributeNames: { '#seq': COUNTER.sequence, '#copies': COUNTER.copies },
          ExpressionAttributeValues: { ':one': 1, ':copies': this.copies },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    const sequence = counter?.[COUNTER.sequence];
    const recorded = counter?.[COUNTER.copies];
    if (typeof sequence !== 'number' || typeof recorded !== 'number') {
      throw new RegistryUnavailableError(
        `the fleet snapshot counter in table ${this.#tableName} holds no numbers`,
      );
    }
    if (recorded < this.copies) await this.#raiseCopies();
    return { sequence, copies: Math.min(MAX_SNAPSHOT_COPIES, Math.max(recorded, this.copies)) };
  }

  /**
   * After a refused copy write: makes sure the counter is past every copy's
   * sequence. A race leaves it past already (the newer copy took its sequence
   * from it); a counter item deleted or restored alone would otherwise hand
   * out sequences every copy refuses, and publishers would route on a frozen
   * snapshot until it caught up. Costs a read and a conditional write, only
   * when a copy refused.
   */
  async #catchUpCounter(copies: number): Promise<void> {
    const stored = await Promise.all(
      Array.from({ length: copies }, async (_, copy) => {
        const { Item: item } = await this.#calls.send(`read fleet snapshot copy ${copy}`, () =>
          this.#client.send(
            new GetCommand({
              TableName: this.#tableName,
              Key: copyKey(copy),
              ProjectionExpression: '#seq',
              ExpressionAttributeNames: { '#seq': COPY.sequence },
              ConsistentRead: true,
            }),
          ),
        );
        const sequence = item?.[COPY.sequence];
        return typeof sequence === 'number' ? sequence : 0;
      }),
    );
    const highest = Math.max(...stored);
    const update = buildUpdate({
      set: { [COUNTER.sequence]: highest },
      condition: {
        expression: '#seq < :highest',
        names: { '#seq': COUNTER.sequence },
        values: { ':highest': highest },
      },
    });
    await this.#calls.conditional('catch the fleet snapshot counter up', 'ahead', () =>
      this.#client.send(
        new UpdateCommand({ TableName: this.#tableName, Key: COUNTER_KEY, ...update }),
      ),
    );
  }

  /** Records that this writer keeps more copies than any before it. */
  async #raiseCopies(): Promise<void> {
    const update = buildUpdate({
      set: { [COUNTER.copies]: this.copies },
      condition: {
        expression: '#copies < :copies',
        names: { '#copies': COUNTER.copies },
        values: { ':copies': this.copies },
      },
    });
    // Refused only when another writer recorded as many or more meanwhile: nothing to do.
    await this.#calls.conditional('record the fleet snapshot copies', 'kept', () =>
      this.#client.send(
        new UpdateCommand({ TableName: this.#tableName, Key: COUNTER_KEY, ...update }),
      ),
    );
  }

  async #writeCopy(
    copy: number,
    sequence: number,
    bytes: Uint8Array,
    now: Date,
    brokers: number,
  ): Promise<'written' | 'superseded'> {
    const update = buildUpdate({
      set: {
        [COPY.data]: bytes,
        [COPY.sequence]: sequence,
        [COPY.writtenAt]: now.toISOString(),
        [COPY.brokers]: brokers,
      },
      // A copy holding a higher sequence came from a read that began later: it stays.
      condition: {
        expression: 'attribute_not_exists(#seq) OR #seq < :seq',
        names: { '#seq': COPY.sequence },
        values: { ':seq': sequence },
      },
    });
    return this.#calls.conditional(
      `write fleet snapshot copy ${copy}`,
      'superseded' as const,
      async () => {
        await this.#client.send(
          new UpdateCommand({ TableName: this.#tableName, Key: copyKey(copy), ...update }),
        );
        return 'written' as const;
      },
    );
  }
}
