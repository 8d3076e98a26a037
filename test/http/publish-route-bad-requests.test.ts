import { describe, it } from 'vitest';
import {
  bytes,
  expectRefusal,
  json,
  type Refusal,
  refusalCases,
  valid,
} from './publish-route-fixtures.js';

describe('POST /v1/publish', () => {
  const malformed: Refusal[] = [
    // Content type
    ['no content type', { body: bytes(JSON.stringify(valid)) }, 415, 'unsupported_media_type'],
    [
      'text/plain',
      { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(valid) },
      415,
      'unsupported_media_type',
    ],
    [
      'a form',
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'queue=tasks' },
      415,
      'unsupported_media_type',
    ],
    [
      'application/jsonp',
      { headers: { 'content-type': 'application/jsonp' }, body: JSON.stringify(valid) },
      415,
      'unsupported_media_type',
    ],
    [
      'a JSON suffix type',
      { headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify(valid) },
      415,
      'unsupported_media_type',
    ],
    [
      'multipart',
      { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' },
      415,
      'unsupported_media_type',
    ],
    // Not JSON
    ['no body', { headers: { 'content-type': json } }, 400, 'malformed_json'],
    ['an empty body', { headers: { 'content-type': json }, body: '' }, 400, 'malformed_json'],
    [
      'truncated JSON',
      { headers: { 'content-type': json }, body: '{"queue":"tasks","messages":[' },
      400,
      'malformed_json',
    ],
    [
      'single-quoted JSON',
      { headers: { 'content-type': json }, body: "{'queue':'tasks'}" },
      400,
      'malformed_json',
    ],
    [
      'trailing garbage',
      { headers: { 'content-type': json }, body: `${JSON.stringify(valid)} x` },
      400,
      'malformed_json',
    ],
    ['NaN', { headers: { 'content-type': json }, body: 'NaN' }, 400, 'malformed_json'],
    [
      'invalid UTF-8',
      {
        headers: { 'content-type': json },
        body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      },
      400,
      'malformed_json',
    ],
    // JSON, but not a publish request
    ['JSON null', { headers: { 'content-type': json }, body: 'null' }, 400, 'invalid_request'],
    [
      'a JSON array',
      { headers: { 'content-type': json }, body: JSON.stringify([valid]) },
      400,
      'invalid_request',
    ],
    [
      'an empty batch',
      { headers: { 'content-type': json }, body: '{"queue":"tasks","messages":[]}' },
      400,
      'invalid_request',
    ],
    [
      'a reserved header',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: [{ body: 1, headers: { 'x-death': '[]' } }],
        }),
      },
      400,
      'invalid_request',
    ],
    [
      'a sender-selected routing header',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: [{ body: 1, headers: { CC: 'warren.probe' } }],
        }),
      },
      400,
      'invalid_request',
    ],
    [
      'duplicate ids',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: [
            { id: 'a', body: 1 },
            { id: 'a', body: 2 },
          ],
        }),
      },
      400,
      'invalid_request',
    ],
    [
      'an unknown field',
      { headers: { 'content-type': json }, body: JSON.stringify({ ...valid, mandatory: true }) },
      400,
      'invalid_request',
    ],
    [
      'a __proto__ header',
      {
        headers: { 'content-type': json },
        body: '{"queue":"tasks","messages":[{"body":1,"headers":{"__proto__":"x"}}]}',
      },
      400,
      'invalid_request',
    ],
    [
      'a routing key with a queue',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ ...valid, routingKey: 'warren.probe' }),
      },
      400,
      'invalid_request',
    ],
    [
      'the default exchange',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ exchange: '', routingKey: 'warren.probe', messages: [{ body: 1 }] }),
      },
      400,
      'invalid_request',
    ],
    [
      'a deeply nested body',
      {
        headers: { 'content-type': json },
        body: `{"queue":"tasks","messages":[{"body":${'['.repeat(300_000)}${']'.repeat(300_000)}}]}`,
      },
      400,
      'invalid_request',
    ],
  ];

  it.each(refusalCases(malformed))(
    'refuses $name with $status $code, never calling the publisher, and keeps serving',
    expectRefusal,
  );
});
