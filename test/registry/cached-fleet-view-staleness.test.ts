import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { RegistryUnavailableError } from '../../src/registry/health-registry.js';
import {
  fakeRegistry,
  ids,
  MAX_STALENESS_MS,
  setup,
  snapshot,
  T0,
  TTL_MS,
} from './cached-fleet-view-fixtures.js';

describe('createCachedFleetView', () => {
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
});
