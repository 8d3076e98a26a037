import { describe, expect, it } from 'vitest';
import { DEFAULT_PUBLISH_LIMITS } from '../../src/service/publish-limits.js';
import {
  DEFAULT_PUBLISH_SETTINGS,
  resolvePublishSettings,
} from '../../src/service/publish-settings.js';

describe('resolvePublishSettings', () => {
  it('defaults to a 15 s probe interval, a 5 s deadline, 1 s attempts, the default limits and subsets of 6 brokers', () => {
    expect(resolvePublishSettings({})).toMatchObject({
      probeIntervalMs: 15_000,
      cacheTtlMs: 2_000,
      registryRefreshTimeoutMs: 1_000,
      deadlineMs: 5_000,
      attemptTimeoutMs: 1_000,
      limits: DEFAULT_PUBLISH_LIMITS,
      subsetSize: 6,
    });
    expect(DEFAULT_PUBLISH_SETTINGS).not.toHaveProperty('maxStalenessMs');
  });

  it.each([
    [15_000, 2_000],
    [4_000, 2_000],
    [2_000, 1_000],
    [500, 250],
  ])('derives the cache TTL from a %i ms probe interval: %i ms', (probeIntervalMs, ttl) => {
    expect(resolvePublishSettings({ probeIntervalMs }).cacheTtlMs).toBe(ttl);
  });

  it('keeps a cache TTL given outright, whatever the probe interval', () => {
    expect(resolvePublishSettings({ probeIntervalMs: 2_000, cacheTtlMs: 200 }).cacheTtlMs).toBe(
      200,
    );
  });
});
