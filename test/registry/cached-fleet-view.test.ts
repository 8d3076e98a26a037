import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCachedFleetView, type FleetView } from '../../src/registry/cached-fleet-view.js';
import {
  type FleetSnapshot,
  type HealthRegistry,
  RegistryUnavailableError,
} from '../../src/registry/health-registry.js';
import { brokerNode } from '../support/broker-node.js';

const TTL_MS = 1_000;
/** The default staleness bound: 5 × the TTL. */
const MAX_STALENESS_MS = 5 * TTL_MS;
const T0 = Date.parse('2026-11-26T12:00:00.000Z');

function snapshot(...ids: string[]): FleetSnapshot {
  return { nodes: ids.map((id) => brokerNode(id)), rejected: [] };
}

/**
 * A registry whose every `listNodes` call waits until the test settles it, so
 * a test decides exactly when (and whether) a fetch lands.
 */
function fakeRegistry() {
  const pending: Array<{ resolve: (s: FleetSnapshot) => void; reject: (e: unknown) => void }> = [];
  const registry: Pick<HealthRegistry, 'listNodes'> = {
    listNodes: () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
  };
  return {
    registry,
    calls: () => pending.length,
    /** Settles the latest call, then lets the cache's callbacks run. */
    async answer(result: FleetSnapshot | Error): Promise<void> {
      const call = pending.at(-1);
      if (!call) throw new Error('no listNodes call to answer');
      if (result instanceof Error) call.reject(result);
      else call.resolve(result);
      await tick();
    },
  };
}

function setup() {
  const fake = fakeRegistry();
  const clock = { nowMs: T0 };
  const errors: RegistryUnavailableError[] = [];
  const fleet = createCachedFleetView({
    registry: fake.registry,
    ttlMs: TTL_MS,
    clock: () => clock.nowMs,
    onRefreshError: (error) => errors.push(error),
  });
  /** A cache holding `snapshot('b1')` fetched at T0. */
  async function primed() {
    const first = fleet.read();
    await fake.answer(snapshot('b1'));
    await first;
  }
  return { fake, clock, errors, fleet, primed };
}

const ids = (view: FleetView) => view.snapshot.nodes.map((node) => node.id);

describe('createCachedFleetView', () => {
  it('fetches on the first read and serves that snapshot as fresh', async () => {
    const { fake, fleet } = setup();

    const read = fleet.read();
    expect(fake.calls()).toBe(1);
    await fake.answer(snapshot('b1', 'b2'));

    await expect(read).resolves.toEqual({
      source: 'fresh',
      snapshot: snapshot('b1', 'b2'),
      fetchedAtMs: T0,
    });
  });

  it.each([0, 1, TTL_MS / 2, TTL_MS - 1])(
    'serves a snapshot %i ms old from memory, with no registry call',
    async (ageMs) => {
      const { fake, clock, fleet, primed } = setup();
      await primed();
      clock.nowMs = T0 + ageMs;

      const view = await fleet.read();

      expect(view).toEqual({ source: 'fresh', snapshot: snapshot('b1'), fetchedAtMs: T0 });
      expect(fake.calls()).toBe(1);
    },
  );

  it.each([TTL_MS, TTL_MS + 1, MAX_STALENESS_MS - 1])(
    'serves a snapshot %i ms old at once as stale and starts one refresh for 10 concurrent reads',
    async (ageMs) => {
      const { fake, clock, fleet, primed } = setup();
      await primed();
      clock.nowMs = T0 + ageMs;

      const views = await Promise.all(Array.from({ length: 10 }, () => fleet.read()));

      expect(fake.calls()).toBe(2);
      for (const view of views) {
        expect(view).toEqual({
          source: 'stale',
          snapshot: snapshot('b1'),
          fetchedAtMs: T0,
          refreshing: true,
        });
      }
    },
  );

  describe('past the staleness bound', () => {
    it.each([MAX_STALENESS_MS, 60 * TTL_MS])(
      'waits for the refresh of a snapshot %i ms old, one call for 10 concurrent reads, and serves it fresh',
      async (ageMs) => {
        const { fake, clock, fleet, primed } = setup();
        await primed();
        clock.nowMs = T0 + ageMs;

        const reads = Promise.all(Array.from({ length: 10 }, () => fleet.read()));
        await tick();
        expect(fake.calls()).toBe(2);
        await fake.answer(snapshot('b1', 'b2'));

        for (const view of await reads) {
          expect(view).toEqual({
            source: 'fresh',
            snapshot: snapshot('b1', 'b2'),
            fetchedAtMs: T0 + ageMs,
          });
        }
      },
    );

    it('serves the last known good view, tagged, when the registry does not answer in time', async () => {
      const fake = fakeRegistry();
      const clock = { nowMs: T0 };
      const fleet = createCachedFleetView({
        registry: fake.registry,
        ttlMs: TTL_MS,
        refreshTimeoutMs: 20,
        clock: () => clock.nowMs,
      });
      const first = fleet.read();
      await fake.answer(snapshot('b1'));
      await first;
      clock.nowMs = T0 + MAX_STALENESS_MS;

      const view = await fleet.read();

      expect(view).toMatchObject({
        source: 'last-known-good',
        snapshot: snapshot('b1'),
        refreshing: true,
        error: expect.any(RegistryUnavailableError),
      });
      // The refresh that was too late still lands for the next read.
      clock.nowMs += 5;
      await fake.answer(snapshot('b2'));
      expect(ids(await fleet.read())).toEqual(['b2']);
    });

    it('serves the last known good view when the refresh fails, and asks again only a TTL later', async () => {
      const { fake, clock, fleet, primed } = setup();
      await primed();
      clock.nowMs = T0 + MAX_STALENESS_MS;
      const failing = fleet.read();
      await tick();
      await fake.answer(new RegistryUnavailableError('cannot read the fleet: refused'));

      expect(await failing).toMatchObject({ source: 'last-known-good', refreshing: false });
      clock.nowMs += TTL_MS - 1;
      expect(await fleet.read()).toMatchObject({ source: 'last-known-good' });
      expect(fake.calls()).toBe(2);
    });

    it("bounds the wait by the caller's own budget", async () => {
      const { fake, clock, fleet, primed } = setup();
      await primed();
      clock.nowMs = T0 + MAX_STALENESS_MS;

      const view = await fleet.read({ timeoutMs: 0 });

      expect(view).toMatchObject({ source: 'last-known-good', refreshing: true });
      expect(fake.calls()).toBe(2);
    });
  });

  it("rejects the first read with RegistryUnavailableError when DynamoDB does not answer within the caller's budget", async () => {
    const { fleet } = setup();

    await expect(fleet.read({ timeoutMs: 10 })).rejects.toThrow(RegistryUnavailableError);
  });

  it('serves the refreshed snapshot as fresh once the refresh lands', async () => {
    const { fake, clock, fleet, primed } = setup();
    await primed();
    clock.nowMs = T0 + TTL_MS;
    await fleet.read();

    clock.nowMs = T0 + TTL_MS + 50;
    await fake.answer(snapshot('b1', 'b2'));
    const view = await fleet.read();

    expect(view).toEqual({
      source: 'fresh',
      snapshot: snapshot('b1', 'b2'),
      fetchedAtMs: T0 + TTL_MS,
    });
    expect(fake.calls()).toBe(2);
  });

  it('keeps serving the last good snapshot when a refresh fails, and reports the error', async () => {
    const { fake, clock, errors, fleet, primed } = setup();
    await primed();
    clock.nowMs = T0 + TTL_MS;
    await fleet.read();
    const failure = new RegistryUnavailableError('cannot read the fleet: connection refused');

    await fake.answer(failure);
    const view = await fleet.read();

    expect(view).toEqual({
      source: 'last-known-good',
      snapshot: snapshot('b1'),
      fetchedAtMs: T0,
      error: failure,
      refreshing: false,
    });
    expect(errors).toEqual([failure]);
  });

  it('waits one TTL after a failed refresh before trying again, then recovers', async () => {
    const { fake, clock, fleet, primed } = setup();
    await primed();
    clock.nowMs = T0 + TTL_MS;
    await fleet.read();
    await fake.answer(new RegistryUnavailableError('timeout'));

    clock.nowMs = T0 + 2 * TTL_MS - 1;
    await Promise.all(Array.from({ length: 10 }, () => fleet.read()));
    expect(fake.calls()).toBe(2);

    clock.nowMs = T0 + 2 * TTL_MS;
    const retrying = await Promise.all(Array.from({ length: 10 }, () => fleet.read()));
    expect(fake.calls()).toBe(3);
    expect(retrying.map((view) => [view.source, 'refreshing' in view && view.refreshing])).toEqual(
      Array.from({ length: 10 }, () => ['last-known-good', true]),
    );

    await fake.answer(snapshot('b2'));
    const view = await fleet.read();
    expect(view.source).toBe('fresh');
    expect(ids(view)).toEqual(['b2']);
  });

  it('wraps an unexpected error from the registry as RegistryUnavailableError', async () => {
    const { fake, clock, errors, fleet, primed } = setup();
    await primed();
    clock.nowMs = T0 + TTL_MS;
    await fleet.read();
    const bug = new TypeError('items is not iterable');

    await fake.answer(bug);
    const view = await fleet.read();

    expect(view.source).toBe('last-known-good');
    const error = view.source === 'last-known-good' ? view.error : undefined;
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect(error?.cause).toBe(bug);
    expect(errors).toEqual([error]);
  });

  it('rejects the first read when the very first fetch fails, since nothing can be served', async () => {
    const { fake, errors, fleet } = setup();

    const reads = Promise.allSettled([fleet.read(), fleet.read(), fleet.read()]);
    expect(fake.calls()).toBe(1);
    const failure = new RegistryUnavailableError('connection refused');
    await fake.answer(failure);

    expect(await reads).toEqual(Array(3).fill({ status: 'rejected', reason: failure }));
    // The caller got the error; the hook is for failures nobody awaits.
    expect(errors).toEqual([]);
  });

  it('tries again on the next read after the first fetch failed', async () => {
    const { fake, fleet } = setup();
    const first = fleet.read().catch((error: unknown) => error);
    await fake.answer(new RegistryUnavailableError('connection refused'));
    expect(await first).toBeInstanceOf(RegistryUnavailableError);

    const second = fleet.read();
    expect(fake.calls()).toBe(2);
    await fake.answer(snapshot('b1'));

    await expect(second).resolves.toMatchObject({ source: 'fresh', snapshot: snapshot('b1') });
  });

  it('refreshes on the next read after invalidate(), even within the TTL', async () => {
    const { fake, clock, fleet, primed } = setup();
    await primed();
    clock.nowMs = T0 + 10;

    fleet.invalidate();
    const during = await fleet.read();
    await fleet.read();
    expect(during).toMatchObject({ source: 'stale', snapshot: snapshot('b1'), refreshing: true });
    expect(fake.calls()).toBe(2);

    await fake.answer(snapshot('b2'));
    const after = await fleet.read();
    expect(after).toEqual({ source: 'fresh', snapshot: snapshot('b2'), fetchedAtMs: T0 + 10 });
  });

  it('fetches again after a refresh that was already running when invalidate() was called', async () => {
    const { fake, clock, fleet, primed } = setup();
    await primed();
    clock.nowMs = T0 + TTL_MS;
    await fleet.read();

    fleet.invalidate();
    await fleet.read();
    expect(fake.calls()).toBe(2);
    await fake.answer(snapshot('b1'));
    await fleet.read();

    expect(fake.calls()).toBe(3);
  });

  it('leaves no unhandled rejection when a background refresh fails, with or without a hook', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const onRefreshError of [
        undefined,
        () => {
          throw new Error('faulty hook');
        },
      ]) {
        const fake = fakeRegistry();
        let nowMs = T0;
        const fleet = createCachedFleetView({
          registry: fake.registry,
          ttlMs: TTL_MS,
          clock: () => nowMs,
          onRefreshError,
        });
        const first = fleet.read();
        await fake.answer(snapshot('b1'));
        await first;
        nowMs += TTL_MS;
        await fleet.read();
        await fake.answer(new RegistryUnavailableError('connection refused'));
        await expect(fleet.read()).resolves.toMatchObject({ source: 'last-known-good' });
      }
      // Node reports unhandled rejections after the microtask queue drains; give it a few turns.
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  describe('timers', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('sets no timer that could keep a Lambda or process alive', async () => {
      // setImmediate stays real: the fake registry uses it to let callbacks run.
      vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
      const { fake, clock, fleet, primed } = setup();
      await primed();
      clock.nowMs = T0 + TTL_MS;
      await fleet.read();
      await fake.answer(new RegistryUnavailableError('timeout'));
      await fleet.read();

      expect(vi.getTimerCount()).toBe(0);
    });
  });

  it.each([-1, Number.NaN])('refuses a TTL of %s', (ttlMs) => {
    expect(() =>
      createCachedFleetView({ registry: fakeRegistry().registry, ttlMs, clock: () => T0 }),
    ).toThrow(RangeError);
  });
});
