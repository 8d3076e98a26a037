import { describe, it } from 'vitest';
import {
  expectInvalidRequest,
  manyHeaders,
  oneMessage,
  withHeaders,
} from './publish-request-fixtures.js';

describe('parsePublishRequest', () => {
  it.each<[string, unknown, RegExp]>([
    // Headers
    ['null headers', withHeaders(null), /messages\[0\]\.headers: expected object, got null/],
    [
      'headers as an array',
      withHeaders([['a', 'b']]),
      /messages\[0\]\.headers: expected object, got array/,
    ],
    [
      'headers as a string',
      withHeaders('a=b'),
      /messages\[0\]\.headers: expected object, got string/,
    ],
    [
      'a numeric header value',
      withHeaders({ attempt: 1 }),
      /messages\[0\]\.headers\.attempt: expected string, got number/,
    ],
    [
      'a null header value',
      withHeaders({ attempt: null }),
      /headers\.attempt: expected string, got null/,
    ],
    [
      'an object header value',
      withHeaders({ trace: { id: 1 } }),
      /headers\.trace: expected string, got object/,
    ],
    [
      'a header value over 4096 characters',
      withHeaders({ note: 'x'.repeat(4097) }),
      /headers\.note: header values are at most 4096 characters/,
    ],
    ['an empty header name', withHeaders({ '': 'v' }), /headers\.: invalid header name/],
    [
      'a header name starting with a dash',
      withHeaders({ '-trace': 'v' }),
      /headers\.-trace: invalid header name/,
    ],
    [
      'a header name starting with an underscore',
      withHeaders({ __proto__x: 'v' }),
      /invalid header name/,
    ],
    [
      'a header name with a space',
      withHeaders({ 'trace id': 'v' }),
      /headers\.trace id: invalid header name/,
    ],
    ['a header name with a colon', withHeaders({ 'trace:id': 'v' }), /invalid header name/],
    [
      'a header name over 128 characters',
      withHeaders({ [`h${'x'.repeat(128)}`]: 'v' }),
      /invalid header name/,
    ],
    [
      'a __proto__ header',
      oneMessage({ headers: JSON.parse('{"__proto__":"v"}') }),
      /headers\.__proto__: invalid header name/,
    ],
    [
      'x-death',
      withHeaders({ 'x-death': '[]' }),
      /messages\[0\]\.headers\.x-death: reserved header name/,
    ],
    [
      'X-Death in another case',
      withHeaders({ 'X-Death': '[]' }),
      /headers\.X-Death: reserved header name/,
    ],
    [
      'x-first-death-queue',
      withHeaders({ 'x-first-death-queue': 'tasks' }),
      /reserved header name/,
    ],
    [
      'x-first-death-reason',
      withHeaders({ 'x-first-death-reason': 'rejected' }),
      /reserved header name/,
    ],
    [
      'x-last-death-exchange',
      withHeaders({ 'x-last-death-exchange': 'x' }),
      /reserved header name/,
    ],
    [
      'x-warren-node',
      withHeaders({ 'x-warren-node': 'b1' }),
      /headers\.x-warren-node: reserved header name/,
    ],
    ['X-Warren-Attempt', withHeaders({ 'X-Warren-Attempt': '2' }), /reserved header name/],
    [
      'x-delivery-count (quorum queues)',
      withHeaders({ 'x-delivery-count': '0' }),
      /reserved header name/,
    ],
    [
      'CC (sender-selected routing)',
      withHeaders({ CC: 'warren.probe' }),
      /headers\.CC: reserved header name/,
    ],
    [
      'BCC (sender-selected routing)',
      withHeaders({ BCC: 'warren.probe' }),
      /headers\.BCC: reserved header name/,
    ],
    [
      '65 headers',
      withHeaders(manyHeaders(65)),
      /messages\[0\]\.headers: at most 64 headers \(got 65\)/,
    ],
  ])('refuses %s with 400 invalid_request', expectInvalidRequest);
});
