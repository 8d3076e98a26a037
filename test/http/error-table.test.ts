import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { errorOutcome, resultsOutcome } from '../../src/http/error-table.js';
import { HttpRequestError } from '../../src/http/http-request-error.js';
import type { MessageResult } from '../../src/publish/publisher.js';
import { RegistryUnavailableError } from '../../src/registry/health-registry.js';
import { PublishRequestError } from '../../src/service/publish-request-error.js';

const accepted: MessageResult = { id: 'a', status: 'accepted', node: 'b1', nodes: ['b1'] };
const failed = (code: 'unroutable' | 'brokers_failed'): MessageResult => ({
  id: 'f',
  status: 'failed',
  code,
  error: code,
});

describe('errorOutcome', () => {
  it.each([
    [new PublishRequestError('invalid_request', 'x'), 400, 'invalid_request'],
    [new PublishRequestError('too_many_messages', 'x'), 413, 'too_many_messages'],
    [new PublishRequestError('message_too_large', 'x'), 413, 'message_too_large'],
    [new PublishRequestError('unknown_destination', 'x'), 404, 'unknown_destination'],
    [new PublishRequestError('unroutable', 'x'), 422, 'unroutable'],
    [new PublishRequestError('malformed_json', 'x'), 400, 'malformed_json'],
    [new HttpRequestError('unsupported_media_type', 'x'), 415, 'unsupported_media_type'],
    [new HttpRequestError('request_too_large', 'x'), 413, 'request_too_large'],
    [new HttpRequestError('method_not_allowed', 'x'), 405, 'method_not_allowed'],
    [new HttpRequestError('not_found', 'x'), 404, 'not_found'],
    [new HTTPException(400, { message: 'x' }), 400, 'bad_request'],
  ])('answers %s with %i %s', (error, status, code) => {
    const outcome = errorOutcome(error);
    expect([outcome.status, outcome.body.error.code]).toEqual([status, code]);
  });

  it('answers an unreadable registry with 503 and Retry-After, without its message', () => {
    const outcome = errorOutcome(
      new RegistryUnavailableError('cannot query table t at 10.0.0.9: timeout'),
    );
    expect(outcome).toEqual({
      status: 503,
      body: {
        error: {
          code: 'registry_unavailable',
          message: 'the broker registry cannot be read right now',
        },
      },
      headers: { 'Retry-After': '1' },
    });
  });

  it('hides any other error behind 500 internal_error and hands it to onInternal alone', () => {
    const seen: unknown[] = [];
    const cause = new Error('secret at /srv/x.ts:12');
    expect(errorOutcome(cause, (error) => seen.push(error)).body).toEqual({
      error: { code: 'internal_error', message: 'internal error' },
    });
    errorOutcome(new PublishRequestError('unroutable', 'x'), (error) => seen.push(error));
    expect(seen).toEqual([cause]);
  });
});

describe('resultsOutcome', () => {
  it.each([
    [[accepted], 200, {}],
    [[accepted, failed('brokers_failed')], 207, {}],
    [[accepted, failed('unroutable')], 207, {}],
    [[failed('unroutable'), failed('unroutable')], 422, {}],
    [[failed('unroutable'), failed('brokers_failed')], 503, { 'Retry-After': '1' }],
  ])('answers %j with %i', (results, status, headers) => {
    expect(resultsOutcome({ results })).toEqual({ status, body: { results }, headers });
  });
});
