import { describe, expect, it } from 'vitest';
import { type PublishRequestRecord, requestMetrics } from '../../src/service/publish-metrics.js';

const base: PublishRequestRecord = {
  requestId: 'r1',
  transport: 'http',
  status: 200,
  accepted: 2,
  failedByCode: {},
  durationMs: 12,
};

describe('requestMetrics', () => {
  it.each([
    ['an accepted HTTP request', base, 'http', '2xx', 2, 0, {}],
    [
      'a direct invoke answered 503',
      {
        ...base,
        transport: 'invoke',
        status: 503,
        accepted: 0,
        failedByCode: { no_broker_accepted: 3 },
      },
      'invoke',
      '5xx',
      0,
      3,
      { no_broker_accepted: 3 },
    ],
    [
      'a partial 207 with two codes',
      { ...base, status: 207, accepted: 1, failedByCode: { unroutable: 1, no_broker_accepted: 2 } },
      'http',
      '2xx',
      1,
      3,
      { unroutable: 1, no_broker_accepted: 2 },
    ],
    ['a refused 400', { ...base, status: 400, accepted: 0 }, 'http', '4xx', 0, 0, {}],
  ] as const)('maps %s', (_, record, transport, cls, accepted, failed, byCode) => {
    const entries = requestMetrics(record);
    expect(entries[0]).toEqual({
      name: 'PublishRequests',
      unit: 'Count',
      value: 1,
      dimensions: { Transport: transport, StatusClass: cls },
    });
    expect(entries.find((e) => e.name === 'AcceptedMessages')?.value).toBe(accepted);
    expect(entries.find((e) => e.name === 'FailedMessages' && !e.dimensions)?.value).toBe(failed);
    const perCode = Object.fromEntries(
      entries
        .filter((e) => e.name === 'FailedMessages' && e.dimensions)
        .map((e) => [e.dimensions?.Code, e.value]),
    );
    expect(perCode).toEqual(byCode);
    expect(entries.at(-1)).toEqual({ name: 'PublishLatency', unit: 'Milliseconds', value: 12 });
  });
});

describe('requestMetrics of what the publisher did', () => {
  const value = (entries: ReturnType<typeof requestMetrics>, name: string) =>
    entries.find((entry) => entry.name === name && !entry.dimensions)?.value;

  it('emits zeros for failover, panic, stale view and attempt failures when nothing went wrong', () => {
    const entries = requestMetrics({
      ...base,
      routing: { view: 'fresh', panic: false, failedOver: 0, attemptFailures: [] },
    });
    for (const name of [
      'FailoverMessages',
      'PanicRequests',
      'StaleViewFallbacks',
      'AttemptFailures',
    ]) {
      expect(value(entries, name)).toBe(0);
    }
    expect(entries.filter((entry) => entry.dimensions?.NodeId)).toEqual([]);
  });

  it('counts failed-over copies, panic mode, a last-known-good view and attempt failures per broker', () => {
    const entries = requestMetrics({
      ...base,
      routing: {
        view: 'last-known-good',
        panic: true,
        failedOver: 3,
        attemptFailures: [
          { node: 'b1', kind: 'closed', messages: 2, retried: 2 },
          { node: 'b2', kind: 'timeout', messages: 1, retried: 1 },
          { node: 'b1', kind: 'connect', messages: 1, retried: 0 },
        ],
      },
    });
    expect(value(entries, 'FailoverMessages')).toBe(3);
    expect(value(entries, 'PanicRequests')).toBe(1);
    expect(value(entries, 'StaleViewFallbacks')).toBe(1);
    expect(value(entries, 'AttemptFailures')).toBe(3);
    expect(entries.filter((entry) => entry.dimensions?.NodeId)).toEqual([
      { name: 'AttemptFailures', unit: 'Count', value: 2, dimensions: { NodeId: 'b1' } },
      { name: 'AttemptFailures', unit: 'Count', value: 1, dimensions: { NodeId: 'b2' } },
    ]);
  });

  it('counts no stale-view fallback for a fresh or stale-while-refreshing view', () => {
    for (const view of ['fresh', 'stale'] as const) {
      const entries = requestMetrics({
        ...base,
        routing: { view, panic: false, failedOver: 0, attemptFailures: [] },
      });
      expect(value(entries, 'StaleViewFallbacks')).toBe(0);
    }
  });
});
