import { describe, expect, it } from 'vitest';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { RegistryUnavailableError } from '../../src/registry/health-registry.js';
import { fakeRegistry, ids, setup, snapshot, T0, TTL_MS } from './cached-fleet-view-fixtures.js';

describe('createCachedFleetView', () => {
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
});
