import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { RegistryUnavailableError } from '../../src/registry/health-registry.js';
import {
  fakeRegistry,
  MAX_STALENESS_MS,
  setup,
  snapshot,
  T0,
  TTL_MS,
} from './cached-fleet-view-fixtures.js';

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
