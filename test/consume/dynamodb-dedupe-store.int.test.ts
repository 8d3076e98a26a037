import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import {
  createMemoryDedupeStore,
  DedupeClaimLostError,
  type DedupeKey,
  type DedupeRecord,
  type DedupeStore,
  DedupeStoreUnavailableError,
} from '../../src/consume/dedupe-store.js';
import { DynamoDbDedupeStore } from '../../src/consume/dynamodb-dedupe-store.js';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { REGISTRY_TTL_ATTRIBUTE } from '../../src/dynamodb/registry-table.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { freshRegistry } from '../support/registry.js';

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const LEASE_MS = 1_000;
const RETAIN_MS = 10_000;
const at = (ms: number) => new Date(T0 + ms);
const newKey = (): DedupeKey => ({ scope: 'billing', messageId: randomUUID() });

async function consumers(client?: DynamoDBDocumentClient) {
  const fresh = await freshRegistry();
  const options = { client: client ?? fresh.clients.documentClient, tableName: fresh.tableName };
  return {
    ...fresh,
    a: new DynamoDbDedupeStore({ ...options, owner: 'a' }),
    b: new DynamoDbDedupeStore({ ...options, owner: 'b' }),
    c: new DynamoDbDedupeStore({ ...options, owner: 'c' }),
  };
}

type Action = 'claim' | 'complete' | 'release';
interface Step {
  readonly who: 'a' | 'b';
  readonly action: Action;
  /** Clock advance before the step; picked to land on and just past lease and retention ends. */
  readonly advanceMs: number;
}

async function play(stores: Record<'a' | 'b', DedupeStore>, key: DedupeKey, steps: Step[]) {
  const answers: string[] = [];
  let clockMs = 0;
  for (const { who, action, advanceMs } of steps) {
    clockMs += advanceMs;
    const store = stores[who];
    if (action === 'claim') answers.push(await store.claim(key, at(clockMs), LEASE_MS));
    else if (action === 'release') answers.push(await store.release(key).then(() => 'ok'));
    else {
      answers.push(
        await store.complete(key, at(clockMs), RETAIN_MS).then(
          () => 'ok',
          (error: unknown) => {
            if (error instanceof DedupeClaimLostError) return 'lost';
            throw error;
          },
        ),
      );
    }
  }
  return answers;
}

/** mulberry32: a seeded generator, so a failing sequence is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randomSteps(random: () => number, length: number): Step[] {
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random() * options.length)] as T;
  return Array.from({ length }, () => ({
    who: pick(['a', 'b'] as const),
    action: pick(['claim', 'claim', 'complete', 'release'] as const),
    advanceMs: pick([0, 1, LEASE_MS - 1, LEASE_MS, LEASE_MS + 1, RETAIN_MS, RETAIN_MS + 1]),
  }));
}

describe('DynamoDbDedupeStore', () => {
  // The transition table itself is pinned on the memory store in dedupe-store.test.ts; here the
  // memory store is the oracle and DynamoDB must answer every step of every sequence the same.
  it('answers seeded random claim, complete and release sequences exactly as the memory store', async () => {
    const { a, b } = await consumers();
    const random = seeded(20261126);
    const sequences = Array.from({ length: 150 }, () => randomSteps(random, 8));

    const results = await Promise.all(
      sequences.map(async (steps) => {
        const records = new Map<string, DedupeRecord>();
        const memory = {
          a: createMemoryDedupeStore({ owner: 'a', records }),
          b: createMemoryDedupeStore({ owner: 'b', records }),
        };
        const key = newKey();
        return {
          steps,
          memory: await play(memory, key, steps),
          dynamo: await play({ a, b }, key, steps),
        };
      }),
    );

    for (const { steps, memory, dynamo } of results)
      expect(dynamo, JSON.stringify(steps)).toEqual(memory);
    // Without every answer somewhere in the sequences, agreement would prove little.
    const seen = new Set(results.flatMap((result) => result.memory));
    expect([...seen].sort()).toEqual(['claimed', 'done', 'in-progress', 'lost', 'ok']);
  });

  it('gives exactly one of two racing consumers the claim, every time', async () => {
    const { a, b } = await consumers();

    for (let i = 0; i < 50; i++) {
      const key = newKey();
      const outcomes = await Promise.all([
        a.claim(key, at(0), LEASE_MS),
        b.claim(key, at(0), LEASE_MS),
      ]);
      expect(outcomes.sort()).toEqual(['claimed', 'in-progress']);
    }
  });

  it('lets exactly one of two racing consumers take over an expired claim, every time', async () => {
    const { a, b, c } = await consumers();

    for (let i = 0; i < 20; i++) {
      const key = newKey();
      await a.claim(key, at(0), LEASE_MS);
      const outcomes = await Promise.all([
        b.claim(key, at(LEASE_MS + 1), LEASE_MS),
        c.claim(key, at(LEASE_MS + 1), LEASE_MS),
      ]);
      expect(outcomes.sort()).toEqual(['claimed', 'in-progress']);
    }
  });

  it('lets a second consumer claim once the lease has expired, and not before', async () => {
    const { a, b } = await consumers();
    const key = newKey();

    expect(await a.claim(key, at(0), LEASE_MS)).toBe('claimed');
    expect(await b.claim(key, at(LEASE_MS), LEASE_MS)).toBe('in-progress');
    expect(await b.claim(key, at(LEASE_MS + 1), LEASE_MS)).toBe('claimed');
  });

  it('throws DedupeClaimLostError when completing a claim another consumer took over', async () => {
    const { a, b } = await consumers();
    const key = newKey();
    await a.claim(key, at(0), LEASE_MS);
    await b.claim(key, at(LEASE_MS + 1), LEASE_MS);

    const error = await a.complete(key, at(LEASE_MS + 2), RETAIN_MS).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DedupeClaimLostError);
    expect(error).toMatchObject({ scope: key.scope, messageId: key.messageId });
    await b.complete(key, at(LEASE_MS + 3), RETAIN_MS);
    expect(await a.claim(key, at(LEASE_MS + 4), LEASE_MS)).toBe('done');
  });

  it('keeps scopes apart whatever characters they hold, and out of the fleet listing', async () => {
    const { a, registry } = await consumers();

    const outcomes = [
      await a.claim({ scope: 'x#y', messageId: 'z' }, at(0), LEASE_MS),
      await a.claim({ scope: 'x', messageId: 'y#z' }, at(0), LEASE_MS),
      await a.claim({ scope: 'other', messageId: 'z' }, at(0), LEASE_MS),
      await a.claim({ scope: 'node', messageId: 'lease' }, at(0), LEASE_MS),
    ];

    expect(outcomes).toEqual(['claimed', 'claimed', 'claimed', 'claimed']);
    expect(await registry.listNodes()).toEqual({ nodes: [], rejected: [] });
  });

  it('accepts key parts of 512 bytes, the most it allows', async () => {
    const { a } = await consumers();

    const key = { scope: 'é'.repeat(256), messageId: 'x'.repeat(512) };

    expect(await a.claim(key, at(0), LEASE_MS)).toBe('claimed');
    await a.complete(key, at(1), RETAIN_MS);
    expect(await a.claim(key, at(2), LEASE_MS)).toBe('done');
  });

  it('still reports claimed when the SDK retried a claim whose response was lost', async () => {
    const clients = createDynamoDbClients({ endpoint: inject('fleet').registry.endpoint });
    let lost = 0;
    // Inside the retry middleware: the write reaches DynamoDB, then its answer is "lost", so the SDK sends it again.
    clients.client.middlewareStack.add(
      (next) => async (args) => {
        const output = await next(args);
        if (lost++ === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return output;
      },
      { step: 'deserialize', priority: 'high', name: 'loseFirstResponse' },
    );
    const { a, b } = await consumers(clients.documentClient);
    const key = newKey();

    expect(await a.claim(key, at(0), LEASE_MS)).toBe('claimed');
    expect(lost).toBeGreaterThan(1);
    expect(await b.claim(key, at(1), LEASE_MS)).toBe('in-progress');
    await a.complete(key, at(2), RETAIN_MS);
  });

  it('writes the TTL attribute on claim and complete: epoch seconds, the next second after the record expires', async () => {
    const { a, clients, tableName } = await consumers();
    const key = newKey();
    const ttlOf = async () => {
      const { Item } = await clients.documentClient.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `dedupe#${key.messageId}`, sk: key.scope },
          ConsistentRead: true,
        }),
      );
      return Item?.[REGISTRY_TTL_ATTRIBUTE];
    };

    // 12:00:00.250 + 1 000 ms lease: expires 12:00:01.250, deletable from 12:00:02.
    await a.claim(key, at(250), LEASE_MS);
    expect(await ttlOf()).toBe(Math.floor(T0 / 1000) + 2);
    // 12:00:00.500 + 10 000 ms: done until 12:00:10.500, deletable from 12:00:11.
    await a.complete(key, at(500), RETAIN_MS);
    expect(await ttlOf()).toBe(Math.floor(T0 / 1000) + 11);
    // On a whole second the record still counts through that ms, so the TTL is the second after.
    await a.complete(key, at(0), RETAIN_MS);
    expect(await ttlOf()).toBe(Math.floor(T0 / 1000) + 11);
  });

  it('treats an expired record DynamoDB has not deleted yet as absent', async () => {
    const { a, b } = await consumers();
    const key = newKey();
    await a.claim(key, at(0), LEASE_MS);
    await a.complete(key, at(0), RETAIN_MS);

    expect(await b.claim(key, at(RETAIN_MS - 1), LEASE_MS)).toBe('done');
    expect(await b.claim(key, at(RETAIN_MS + 1), LEASE_MS)).toBe('claimed');
  });

  it('reports an unreachable DynamoDB as DedupeStoreUnavailableError', async () => {
    const [port] = await findFreePorts(1);
    const { documentClient } = createDynamoDbClients({ endpoint: `http://127.0.0.1:${port}` });
    const store = new DynamoDbDedupeStore({ client: documentClient, tableName: 'absent' });
    const key = newKey();

    for (const call of [
      () => store.claim(key, at(0), LEASE_MS),
      () => store.complete(key, at(0), RETAIN_MS),
      () => store.release(key),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DedupeStoreUnavailableError);
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });
});
