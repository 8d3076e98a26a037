import { describe, expect, it } from 'vitest';
import {
  messageCounts,
  type PublishRequestRecord,
  requestMetrics,
} from '../../src/service/publish-metrics.js';

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

describe('messageCounts', () => {
  it.each([
    ['an error body', { error: { code: 'invalid_request', message: 'x' } }, 0, {}],
    [
      'mixed results',
      {
        results: [
          { status: 'accepted' },
          { status: 'failed', code: 'unroutable' },
          { status: 'failed', code: 'unroutable' },
        ],
      },
      1,
      { unroutable: 2 },
    ],
    ['nothing', undefined, 0, {}],
  ])('counts %s', (_, body, accepted, failedByCode) => {
    expect(messageCounts(body)).toEqual({ accepted, failedByCode });
  });
});
