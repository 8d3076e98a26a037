import { randomUUID } from 'node:crypto';

/** Which message, as seen by which processing step: one messageId may be handled once per scope. */
export interface DedupeKey {
  readonly scope: string;
  readonly messageId: string;
}

/** `claimed`: process it now; `done`: processed already, skip and ack; `in-progress`: another claim is live, requeue. */
export type ClaimOutcome = 'claimed' | 'done' | 'in-progress';

/**
 * De-duplication for at-least-once delivery: claim a messageId before handling
 * it, complete it after, release it when the handler fails.
 *
 * @example
 * const key = { scope: 'billing', messageId: message.id };
 * switch (await store.claim(key, new Date(), 30_000)) {
 *   case 'done': return; // ack: processed before
 *   case 'in-progress': throw new Error('busy elsewhere'); // requeue
 *   case 'claimed':
 *     try { await work(message); } catch (e) { await store.release(key); throw e; }
 *     await store.complete(key, new Date(), 86_400_000);
 * }
 */
export interface DedupeStore {
  /** Takes the message for `leaseMs`. An expired claim or a forgotten `done` record can be claimed again. */
  claim(key: DedupeKey, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  /** Marks it done for at least `retainMs`. Throws DedupeClaimLostError if this store no longer holds the claim. */
  complete(key: DedupeKey, now: Date, retainMs: number): Promise<void>;
  /** Drops this store's claim so a redelivery can take it; does nothing if the claim is gone or complete. */
  release(key: DedupeKey): Promise<void>;
}

/** What a store keeps per key; `expiresAt` is epoch ms, compared by the store: deletion of expired records (DynamoDB TTL) may come days late, or never. */
export interface DedupeRecord {
  readonly status: 'in-progress' | 'done';
  readonly owner: string;
  readonly expiresAt: number;
}

/** Byte limit per key part: both fit a DynamoDB key with room to spare, and a real messageId is far shorter. */
export const MAX_DEDUPE_KEY_PART_BYTES = 512;

/** A scope or messageId that cannot be a key (empty, not a string, too long). */
export class InvalidDedupeKeyError extends Error {
  readonly part: keyof DedupeKey;
  constructor(part: keyof DedupeKey, reason: string) {
    super(`invalid dedupe ${part}: ${reason}`);
    this.name = 'InvalidDedupeKeyError';
    this.part = part;
  }
}

/** The claim was taken over (after its lease expired) or released before `complete`. */
export class DedupeClaimLostError extends Error {
  readonly scope: string;
  readonly messageId: string;
  constructor(key: DedupeKey) {
    super(
      `lost the claim on message ${key.messageId} in scope ${key.scope}: its lease expired and another consumer took it, or it was released`,
    );
    this.name = 'DedupeClaimLostError';
    this.scope = key.scope;
    this.messageId = key.messageId;
  }
}

/** The dedupe store could not be read or written. */
export class DedupeStoreUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DedupeStoreUnavailableError';
  }
}

/** Throws InvalidDedupeKeyError unless both parts are non-empty strings within the byte limit. */
export function assertDedupeKey(key: DedupeKey): void {
  for (const part of ['scope', 'messageId'] as const) {
    const value: unknown = key[part];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidDedupeKeyError(part, 'must be a non-empty string');
    }
    if (Buffer.byteLength(value, 'utf8') > MAX_DEDUPE_KEY_PART_BYTES) {
      throw new InvalidDedupeKeyError(part, `longer than ${MAX_DEDUPE_KEY_PART_BYTES} bytes`);
    }
  }
}

/** Throws RangeError for an invalid `now` or a duration that is not a positive number of ms. */
export function assertWindow(now: Date, durationMs: number, name: string): void {
  if (!Number.isFinite(now.getTime())) throw new RangeError('now is not a valid date');
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw new RangeError(`${name} must be a positive number of ms, got ${durationMs}`);
  }
}

/**
 * What a claim finds: `free` when there is no record or it expired. A record
 * lives through the ms of `expiresAt` itself, as `expiresAt < now` in a condition expression.
 */
export function recordState(
  record: DedupeRecord | undefined,
  now: Date,
): 'free' | 'done' | 'in-progress' {
  if (record === undefined || record.expiresAt < now.getTime()) return 'free';
  return record.status;
}

/** Records shared by memory stores, so tests can run several consumers over one state. */
export type MemoryDedupeRecords = Map<string, DedupeRecord>;

export interface MemoryDedupeStoreOptions {
  /** This consumer's id in claims. Default: a random UUID. */
  readonly owner?: string;
  /** Default: a map of its own. */
  readonly records?: MemoryDedupeRecords;
}

/** Expired records are swept once the map doubles past this, so memory stays bounded at O(1) per claim amortized. */
const SWEEP_MIN_RECORDS = 1024;

/**
 * A DedupeStore in process memory, for local use and callers' unit tests:
 * it forgets everything on restart and sees no other process.
 *
 * @example
 * const records = new Map();
 * const a = createMemoryDedupeStore({ owner: 'a', records });
 * const b = createMemoryDedupeStore({ owner: 'b', records });
 * await a.claim(key, now, 1_000); // 'claimed'
 * await b.claim(key, now, 1_000); // 'in-progress'
 */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const owner = options.owner ?? randomUUID();
  const records = options.records ?? new Map<string, DedupeRecord>();
  let sweepAtSize = SWEEP_MIN_RECORDS;
  const id = (key: DedupeKey) => JSON.stringify([key.scope, key.messageId]);

  const sweep = (now: number) => {
    if (records.size < sweepAtSize) return;
    for (const [k, record] of records) if (record.expiresAt < now) records.delete(k);
    sweepAtSize = Math.max(SWEEP_MIN_RECORDS, records.size * 2);
  };

  return {
    async claim(key, now, leaseMs) {
      assertDedupeKey(key);
      assertWindow(now, leaseMs, 'leaseMs');
      const state = recordState(records.get(id(key)), now);
      if (state !== 'free') return state;
      sweep(now.getTime());
      records.set(id(key), { status: 'in-progress', owner, expiresAt: now.getTime() + leaseMs });
      return 'claimed';
    },
    async complete(key, now, retainMs) {
      assertDedupeKey(key);
      assertWindow(now, retainMs, 'retainMs');
      // Ownership alone, as the DynamoDB store: a repeated complete (a retried write) is not a loss.
      if (records.get(id(key))?.owner !== owner) throw new DedupeClaimLostError(key);
      records.set(id(key), { status: 'done', owner, expiresAt: now.getTime() + retainMs });
    },
    async release(key) {
      assertDedupeKey(key);
      const record = records.get(id(key));
      // A done record stays: releasing after complete must not let the message be processed again.
      if (record?.owner === owner && record.status === 'in-progress') records.delete(id(key));
    },
  };
}
