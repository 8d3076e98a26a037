import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { isStale, STALE_AFTER_INTERVALS } from '../../src/core/staleness.js';

const INTERVAL_MS = 2_000;

function node(times: { registeredAt: string; lastProbeAt?: string }): BrokerNode {
  return {
    id: 'b1',
    endpoint: 'amqp://127.0.0.1:5672',
    labels: {},
    health: { state: 'initial' },
    admin: { state: 'active', since: times.registeredAt },
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
    flapCount: 0,
    probeSeq: 0,
    version: 0,
    ...times,
  };
}

describe('isStale', () => {
  it('calls health stale after three missed probe intervals', () => {
    expect(STALE_AFTER_INTERVALS).toBe(3);
  });

  it.each([
    ['at the moment of the probe', '2026-01-01T00:00:04.000Z', false],
    ['one interval after the probe', '2026-01-01T00:00:06.000Z', false],
    ['1 ms before three intervals', '2026-01-01T00:00:09.999Z', false],
    ['exactly three intervals after the probe', '2026-01-01T00:00:10.000Z', false],
    ['1 ms past three intervals', '2026-01-01T00:00:10.001Z', true],
    ['ten intervals after the probe', '2026-01-01T00:00:24.000Z', true],
    ['before the probe (clock skew)', '2026-01-01T00:00:03.000Z', false],
  ])('judges a probed node %s: stale=%s', (_when, now, stale) => {
    const probed = node({
      registeredAt: '2025-06-01T00:00:00.000Z',
      lastProbeAt: '2026-01-01T00:00:04.000Z',
    });
    expect(isStale(probed, Date.parse(now), INTERVAL_MS)).toBe(stale);
  });

  it.each([
    [1_000, 3_000, false],
    [1_000, 3_001, true],
    [30_000, 90_000, false],
    [30_000, 90_001, true],
  ])('with a %i ms interval, a probe %i ms old is stale=%s', (intervalMs, ageMs, stale) => {
    const probeAt = Date.parse('2026-01-01T00:00:00.000Z');
    const probed = node({
      registeredAt: '2025-12-31T00:00:00.000Z',
      lastProbeAt: new Date(probeAt).toISOString(),
    });
    expect(isStale(probed, probeAt + ageMs, intervalMs)).toBe(stale);
  });

  it.each([
    ['exactly three intervals after registering', '2026-01-01T00:00:06.000Z', false],
    ['1 ms past three intervals after registering', '2026-01-01T00:00:06.001Z', true],
    ['an hour after registering', '2026-01-01T01:00:00.000Z', true],
  ])('judges a never-probed node by its registration time: %s -> stale=%s', (_when, now, stale) => {
    const fresh = node({ registeredAt: '2026-01-01T00:00:00.000Z' });
    expect(isStale(fresh, Date.parse(now), INTERVAL_MS)).toBe(stale);
  });

  it.each([
    [
      'registered long ago but probed just now',
      '2025-01-01T00:00:00.000Z',
      '2026-01-01T00:00:59.000Z',
      false,
    ],
    [
      'registered just now but last probed long ago',
      '2026-01-01T00:00:59.000Z',
      '2025-01-01T00:00:00.000Z',
      true,
    ],
  ])(
    'prefers the last probe over the registration time: %s',
    (_case, registeredAt, lastProbeAt, stale) => {
      const now = Date.parse('2026-01-01T00:01:00.000Z');
      expect(isStale(node({ registeredAt, lastProbeAt }), now, INTERVAL_MS)).toBe(stale);
    },
  );

  it.each([
    [
      'an unparseable last probe',
      { registeredAt: '2026-01-01T00:00:00.000Z', lastProbeAt: 'yesterday' },
    ],
    ['an empty last probe', { registeredAt: '2026-01-01T00:00:00.000Z', lastProbeAt: '' }],
    ['an unparseable registration time and no probe', { registeredAt: 'not a time' }],
    ['an empty registration time and no probe', { registeredAt: '' }],
  ])('treats %s as stale', (_case, times) => {
    const now = Date.parse('2026-01-01T00:00:00.000Z');
    expect(isStale(node(times), now, INTERVAL_MS)).toBe(true);
  });
});
