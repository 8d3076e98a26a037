import { describe, expect, it } from 'vitest';
import {
  expectRefusal,
  json,
  KIB,
  MIB,
  paddedTo,
  type Refusal,
  refusalCases,
  setup,
  streamed,
  valid,
} from './publish-route-fixtures.js';

describe('POST /v1/publish', () => {
  const malformed: Refusal[] = [
    // Destinations
    [
      'an undeclared queue',
      { headers: { 'content-type': json }, body: JSON.stringify({ ...valid, queue: 'orders' }) },
      404,
      'unknown_destination',
    ],
    [
      'the probe queue',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ ...valid, queue: 'warren.probe' }),
      },
      404,
      'unknown_destination',
    ],
    [
      'the dead-letter exchange',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ exchange: 'warren.dead-letter', messages: [{ body: 1 }] }),
      },
      404,
      'unknown_destination',
    ],
    [
      'a built-in exchange',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          exchange: 'amq.direct',
          routingKey: 'warren.probe',
          messages: [{ body: 1 }],
        }),
      },
      404,
      'unknown_destination',
    ],
    // Limits
    [
      '501 messages',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: Array.from({ length: 501 }, () => ({ body: 1 })),
        }),
      },
      413,
      'too_many_messages',
    ],
    [
      'a message over 256 KiB',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ queue: 'tasks', messages: [{ body: 'x'.repeat(256 * KIB) }] }),
      },
      413,
      'message_too_large',
    ],
    [
      'a message whose headers are over what one AMQP frame carries',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: [
            {
              body: 1,
              headers: Object.fromEntries(
                Array.from({ length: 40 }, (_, i) => [`h${i}`, 'v'.repeat(4096)]),
              ),
            },
          ],
        }),
      },
      413,
      'message_too_large',
    ],
    [
      'a body over 5 MiB',
      { headers: { 'content-type': json }, body: paddedTo(5 * MIB + 1) },
      413,
      'request_too_large',
    ],
    [
      'a 6 MiB body with a true Content-Length',
      {
        headers: { 'content-type': json, 'content-length': String(6 * MIB) },
        body: paddedTo(6 * MIB),
      },
      413,
      'request_too_large',
    ],
    [
      'a 6 MiB body under a Content-Length that claims 100 bytes',
      { headers: { 'content-type': json, 'content-length': '100' }, body: paddedTo(6 * MIB) },
      413,
      'request_too_large',
    ],
    [
      'a Content-Length over the limit, refused before the body is read',
      {
        headers: { 'content-type': json, 'content-length': String(50 * MIB) },
        body: JSON.stringify(valid),
      },
      413,
      'request_too_large',
    ],
    ['a 6 MiB streamed body without a Content-Length', streamed(6 * MIB), 413, 'request_too_large'],
    [
      'an oversized body with the wrong content type',
      {
        headers: { 'content-type': 'text/plain', 'content-length': String(6 * MIB) },
        body: paddedTo(6 * MIB),
      },
      413,
      'request_too_large',
    ],
    // Methods
    ['GET', { method: 'GET' }, 405, 'method_not_allowed'],
    [
      'PUT',
      { method: 'PUT', headers: { 'content-type': json }, body: JSON.stringify(valid) },
      405,
      'method_not_allowed',
    ],
    ['DELETE', { method: 'DELETE' }, 405, 'method_not_allowed'],
    [
      'PATCH',
      { method: 'PATCH', headers: { 'content-type': json }, body: JSON.stringify(valid) },
      405,
      'method_not_allowed',
    ],
    ['OPTIONS', { method: 'OPTIONS' }, 405, 'method_not_allowed'],
  ];

  it.each(refusalCases(malformed))(
    'refuses $name with $status $code, never calling the publisher, and keeps serving',
    expectRefusal,
  );

  it('answers HEAD with 405 and Allow: POST', async () => {
    const { send, publisher } = setup();

    const response = await send({ method: 'HEAD' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(publisher.calls).toEqual([]);
  });
});
