import { describe, expect, it } from 'vitest';
import {
  createMemoryDedupeStore,
  DedupeClaimLostError,
  type DedupeRecord,
  InvalidDedupeKeyError,
} from '../../src/consume/dedupe-store.js';

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const LEASE_MS = 1_000;
const RETAIN_MS = 10_000;
const key = { scope: 'billing', messageId: '0193b0c4-7a1e-7000-8000-000000000001' };

/**
 * Each step reads `<consumer>@<ms on the manual clock> <action> → <answer>`; a lease is
 * 1 000 ms and a retention 10 000 ms, so a record written at 10 ms lives through 10 010 ms.
 */
const transitions: [name: string, steps: string][] = [
  ['a new message is claimed', 'a@0 claim → claimed'],
  [
    'a live claim is in progress for another consumer',
    'a@0 claim → claimed; b@999 claim → in-progress',
  ],
  [
    'a live claim is in progress for its own consumer too, so a duplicate is not handled twice',
    'a@0 claim → claimed; a@500 claim → in-progress',
  ],
  [
    'a claim is still live in the ms its lease ends',
    'a@0 claim → claimed; b@1000 claim → in-progress',
  ],
  [
    'an expired claim is taken over, and the takeover is live for the old owner',
    'a@0 claim → claimed; b@1001 claim → claimed; a@1002 claim → in-progress',
  ],
  [
    'a takeover can itself expire and be taken back',
    'a@0 claim → claimed; b@1001 claim → claimed; a@2002 claim → claimed',
  ],
  [
    'a completed message is done for every consumer, beyond the lease',
    'a@0 claim → claimed; a@10 complete → ok; a@20 claim → done; b@5000 claim → done',
  ],
  [
    'a done record is still kept in the ms its retention ends',
    'a@0 claim → claimed; a@10 complete → ok; b@10010 claim → done',
  ],
  [
    'a done record past its retention is forgotten and claimed again',
    'a@0 claim → claimed; a@10 complete → ok; b@10011 claim → claimed',
  ],
  [
    'a released message is claimed again at once',
    'a@0 claim → claimed; a@10 release → ok; b@20 claim → claimed',
  ],
  [
    "releasing another consumer's claim leaves it live",
    'a@0 claim → claimed; b@10 release → ok; b@20 claim → in-progress',
  ],
  [
    'releasing after complete keeps the message done',
    'a@0 claim → claimed; a@10 complete → ok; a@20 release → ok; b@30 claim → done',
  ],
  ['releasing a message never claimed does nothing', 'a@0 release → ok; b@10 claim → claimed'],
  [
    'the old owner releasing after a takeover leaves the new claim',
    'a@0 claim → claimed; b@1001 claim → claimed; a@1002 release → ok; a@1003 claim → in-progress',
  ],
  [
    'completing after a takeover is a lost claim, and the new owner completes',
    'a@0 claim → claimed; b@1001 claim → claimed; a@1002 complete → lost; b@1003 complete → ok; a@1004 claim → done',
  ],
  [
    'completing after release is a lost claim',
    'a@0 claim → claimed; a@10 release → ok; a@20 complete → lost; b@30 claim → claimed',
  ],
  [
    'completing a message never claimed is a lost claim',
    'a@0 complete → lost; b@10 claim → claimed',
  ],
  [
    'another consumer cannot complete a claim',
    'a@0 claim → claimed; b@10 complete → lost; b@20 claim → in-progress; a@30 complete → ok',
  ],
  [
    'completing after the lease expired, with no takeover, records the message done',
    'a@0 claim → claimed; a@5000 complete → ok; b@5001 claim → done',
  ],
  [
    'completing twice, as a retried write does, is not a loss',
    'a@0 claim → claimed; a@10 complete → ok; a@20 complete → ok; b@30 claim → done',
  ],
];

const STEP = /^(a|b)@(\d+) (claim|complete|release) → (\S+)$/;

/** Plays the steps on two consumers over shared records; returns the expected and the actual answers. */
async function play(steps: string): Promise<{ expected: string[]; actual: string[] }> {
  const records = new Map<string, DedupeRecord>();
  const stores = {
    a: createMemoryDedupeStore({ owner: 'a', records }),
    b: createMemoryDedupeStore({ owner: 'b', records }),
  };
  const expected: string[] = [];
  const actual: string[] = [];
  for (const step of steps.split('; ')) {
    const [, who, atMs, action, answer] = STEP.exec(step) ?? [];
    if (!who || !answer) throw new Error(`unreadable step "${step}"`);
    const store = stores[who as 'a' | 'b'];
    const now = new Date(T0 + Number(atMs));
    expected.push(answer);
    if (action === 'claim') actual.push(await store.claim(key, now, LEASE_MS));
    else if (action === 'release') actual.push(await store.release(key).then(() => 'ok'));
    else {
      actual.push(
        await store.complete(key, now, RETAIN_MS).then(
          () => 'ok',
          (error: unknown) => {
            if (error instanceof DedupeClaimLostError) return 'lost';
            throw error;
          },
        ),
      );
    }
  }
  return { expected, actual };
}

describe('createMemoryDedupeStore', () => {
  it.each(transitions)('%s', async (_name, steps) => {
    const { expected, actual } = await play(steps);
    expect(actual).toEqual(expected);
  });

  it('names the lost claim in DedupeClaimLostError', async () => {
    const store = createMemoryDedupeStore();

    const error = await store.complete(key, new Date(T0), RETAIN_MS).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DedupeClaimLostError);
    expect(error).toMatchObject({ scope: key.scope, messageId: key.messageId });
  });

  it('keeps scopes and message ids apart', async () => {
    const store = createMemoryDedupeStore();
    const now = new Date(T0);
    await store.claim(key, now, LEASE_MS);

    expect(await store.claim({ ...key, scope: 'shipping' }, now, LEASE_MS)).toBe('claimed');
    expect(await store.claim({ ...key, messageId: 'other' }, now, LEASE_MS)).toBe('claimed');
    expect(
      await store.claim({ scope: '["billing"', messageId: key.messageId }, now, LEASE_MS),
    ).toBe('claimed');
  });

  it('treats stores made without an owner as different consumers', async () => {
    const records = new Map<string, DedupeRecord>();
    const first = createMemoryDedupeStore({ records });
    const second = createMemoryDedupeStore({ records });
    await first.claim(key, new Date(T0), LEASE_MS);

    await expect(second.complete(key, new Date(T0), RETAIN_MS)).rejects.toBeInstanceOf(
      DedupeClaimLostError,
    );
  });

  it('sweeps expired records once the map grows, keeping live ones', async () => {
    const records = new Map<string, DedupeRecord>();
    const store = createMemoryDedupeStore({ records });
    for (let i = 0; i < 1_024; i++) {
      await store.claim({ scope: 's', messageId: `m${i}` }, new Date(T0), i < 100 ? 60_000 : 1);
    }

    await store.claim({ scope: 's', messageId: 'new' }, new Date(T0 + 10), LEASE_MS);

    expect(records.size).toBe(101);
  });

  const tooLong = 'x'.repeat(513);
  it.each([
    { part: 'scope', key: { scope: '', messageId: 'm' } },
    { part: 'messageId', key: { scope: 's', messageId: '' } },
    { part: 'messageId', key: { scope: 's', messageId: undefined as unknown as string } },
    { part: 'messageId', key: { scope: 's', messageId: tooLong } },
    { part: 'scope', key: { scope: tooLong, messageId: 'm' } },
    // 257 characters, but 514 bytes in UTF-8: the limit is on bytes, as DynamoDB's is.
    { part: 'messageId', key: { scope: 's', messageId: 'é'.repeat(257) } },
  ])('rejects an invalid $part with InvalidDedupeKeyError in every call', async ({ part, key }) => {
    const store = createMemoryDedupeStore();
    const now = new Date(T0);

    for (const call of [
      () => store.claim(key, now, LEASE_MS),
      () => store.complete(key, now, RETAIN_MS),
      () => store.release(key),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidDedupeKeyError);
      expect(error).toMatchObject({ part });
    }
  });

  it('accepts key parts of exactly 512 bytes', async () => {
    const store = createMemoryDedupeStore();
    const longest = { scope: 'é'.repeat(256), messageId: 'x'.repeat(512) };

    expect(await store.claim(longest, new Date(T0), LEASE_MS)).toBe('claimed');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects a lease or retention of %s ms with RangeError',
    async (ms) => {
      const store = createMemoryDedupeStore();

      await expect(store.claim(key, new Date(T0), ms)).rejects.toBeInstanceOf(RangeError);
      await store.claim(key, new Date(T0), LEASE_MS);
      await expect(store.complete(key, new Date(T0), ms)).rejects.toBeInstanceOf(RangeError);
    },
  );

  it('rejects an invalid date with RangeError', async () => {
    const store = createMemoryDedupeStore();

    await expect(store.claim(key, new Date(Number.NaN), LEASE_MS)).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
