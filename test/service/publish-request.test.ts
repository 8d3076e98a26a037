import { describe, expect, it } from 'vitest';
import { errorOutcome } from '../../src/http/error-table.js';
import { DEFAULT_PUBLISH_LIMITS, type PublishLimits } from '../../src/service/publish-limits.js';
import { parsePublishRequest } from '../../src/service/publish-request.js';
import { PublishRequestError } from '../../src/service/publish-request-error.js';

const KIB = 1024;
const toTasks = (messages: unknown) => ({ queue: 'tasks', messages });
const oneMessage = (message: Record<string, unknown>) => toTasks([{ body: 1, ...message }]);
const withHeaders = (headers: unknown) => oneMessage({ headers });
const manyHeaders = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`h${i}`, 'v']));
const bodies = (count: number) => Array.from({ length: count }, (_, i) => ({ body: i }));

/** The refusal, with the status and code the edge answers it with. */
function rejection(json: unknown, limits: PublishLimits = DEFAULT_PUBLISH_LIMITS) {
  try {
    parsePublishRequest(json, limits);
  } catch (error) {
    if (!(error instanceof PublishRequestError)) throw error;
    const { status, body } = errorOutcome(error);
    return { status, code: body.error.code, message: error.message };
  }
  throw new Error('expected the request to be refused');
}

describe('parsePublishRequest', () => {
  it.each<[string, unknown, RegExp]>([
    // The request itself
    ['null', null, /expected object, got null/],
    ['an array', [], /expected object, got array/],
    ['a string', 'tasks', /expected object, got string/],
    ['a number', 42, /expected object, got number/],
    ['an empty object', {}, /messages: required/],
    ['no messages', { queue: 'tasks' }, /messages: required/],
    ['messages as an object', toTasks({ body: 1 }), /messages: expected array, got object/],
    ['messages as a string', toTasks('hello'), /messages: expected array/],
    ['an empty batch', toTasks([]), /messages: must hold at least one message/],
    [
      'neither queue nor exchange',
      { messages: [{ body: 1 }] },
      /exactly one of "queue" or "exchange"/,
    ],
    [
      'both queue and exchange',
      { queue: 'tasks', exchange: 'events', messages: [{ body: 1 }] },
      /exactly one/,
    ],
    [
      'a routing key with a queue',
      { queue: 'tasks', routingKey: 'a', messages: [{ body: 1 }] },
      /routingKey: only allowed with "exchange"/,
    ],
    [
      'an empty queue name',
      { queue: '', messages: [{ body: 1 }] },
      /queue: must be a non-empty queue name/,
    ],
    [
      'a numeric queue name',
      { queue: 7, messages: [{ body: 1 }] },
      /queue: expected string, got number/,
    ],
    [
      'a null queue name',
      { queue: null, messages: [{ body: 1 }] },
      /queue: expected string, got null/,
    ],
    [
      'a queue name over 255 bytes',
      { queue: 'é'.repeat(128), messages: [{ body: 1 }] },
      /queue: must be at most 255 bytes/,
    ],
    [
      'an empty exchange name (the default exchange)',
      { exchange: '', messages: [{ body: 1 }] },
      /exchange: must be a non-empty exchange name/,
    ],
    [
      'an exchange name as an array',
      { exchange: ['events'], messages: [{ body: 1 }] },
      /exchange: expected string, got array/,
    ],
    [
      'a routing key over 255 bytes',
      { exchange: 'events', routingKey: 'k'.repeat(256), messages: [{ body: 1 }] },
      /routingKey: must be at most 255 bytes/,
    ],
    [
      'a numeric routing key',
      { exchange: 'events', routingKey: 1, messages: [{ body: 1 }] },
      /routingKey: expected string/,
    ],
    ['an unknown top-level field', { ...oneMessage({}), priority: 9 }, /unknown field "priority"/],
    ['two unknown top-level fields', { ...oneMessage({}), a: 1, b: 2 }, /unknown fields "a", "b"/],
    [
      'a __proto__ field',
      JSON.parse('{"queue":"tasks","messages":[{"body":1}],"__proto__":{"x":1}}'),
      /unknown field "__proto__"/,
    ],
    // Messages
    ['a null message', toTasks([null]), /messages\[0\]: expected object, got null/],
    ['a string message', toTasks(['hello']), /messages\[0\]: expected object, got string/],
    ['an array message', toTasks([[{ body: 1 }]]), /messages\[0\]: expected object, got array/],
    [
      'a message without a body',
      toTasks([{ body: 1 }, { id: 'a' }]),
      /messages\[1\]\.body: required/,
    ],
    ['an unknown message field', oneMessage({ ttl: 5 }), /messages\[0\]: unknown field "ttl"/],
    ['an empty id', oneMessage({ id: '' }), /messages\[0\]\.id: must be 1-128 characters/],
    ['an id over 128 characters', oneMessage({ id: 'a'.repeat(129) }), /messages\[0\]\.id/],
    ['an id with a space', oneMessage({ id: 'order 1' }), /messages\[0\]\.id/],
    ['an id with a slash', oneMessage({ id: 'orders/1' }), /messages\[0\]\.id/],
    ['an id with a non-ASCII letter', oneMessage({ id: 'commandé' }), /messages\[0\]\.id/],
    ['a numeric id', oneMessage({ id: 17 }), /messages\[0\]\.id: expected string, got number/],
    ['a null id', oneMessage({ id: null }), /messages\[0\]\.id: expected string, got null/],
    [
      'duplicate ids in one batch',
      toTasks([
        { id: 'a', body: 1 },
        { id: 'b', body: 2 },
        { id: 'a', body: 3 },
      ]),
      /messages\[2\]\.id: duplicate of messages\[0\]\.id "a"/,
    ],
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
    // Keys
    ['an empty key', oneMessage({ key: '' }), /messages\[0\]\.key: must not be empty/],
    [
      'a key over 256 characters',
      oneMessage({ key: 'k'.repeat(257) }),
      /key: must be at most 256 characters/,
    ],
    [
      'a key with a newline',
      oneMessage({ key: 'a\nb' }),
      /key: must not contain control characters/,
    ],
    ['a key with NUL', oneMessage({ key: 'a\u0000' }), /key: must not contain control characters/],
    ['a key with DEL', oneMessage({ key: '\u007f' }), /control characters/],
    ['a key with a C1 control', oneMessage({ key: 'a\u0085b' }), /control characters/],
    ['a numeric key', oneMessage({ key: 42 }), /messages\[0\]\.key: expected string, got number/],
    ['a null key', oneMessage({ key: null }), /messages\[0\]\.key: expected string, got null/],
    // In-process callers can pass what JSON cannot carry
    [
      'a body present but undefined',
      toTasks([{ body: undefined }]),
      /messages\[0\]\.body: required/,
    ],
    [
      'a function body',
      toTasks([{ body: () => 1 }]),
      /messages\[0\]\.body: cannot be serialized as JSON/,
    ],
  ])('refuses %s with 400 invalid_request', (_name, json, message) => {
    const error = rejection(json);

    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(message);
  });

  it('refuses a body nested deeper than JSON.stringify can go with a 400, not a RangeError', () => {
    const depth = 200_000;
    const body = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

    const error = rejection(toTasks([{ body: 1 }, { body }]));

    expect([error.status, error.code]).toEqual([400, 'invalid_request']);
    expect(error.message).toBe('messages[1].body: cannot be serialized as JSON');
  });

  it('refuses a cyclic body from an in-process caller with a 400', () => {
    const body: Record<string, unknown> = {};
    body.self = body;

    expect(rejection(toTasks([{ body }])).code).toBe('invalid_request');
  });

  it('names the first five problems with their paths and counts the rest', () => {
    const json = toTasks(Array.from({ length: 8 }, (_, i) => ({ body: i, key: '' })));

    expect(rejection(json).message).toBe(
      [0, 1, 2, 3, 4].map((i) => `messages[${i}].key: must not be empty`).join('; ') +
        '; and 3 more',
    );
  });

  it('quotes at most 64 characters of a caller-chosen name and five unknown fields', () => {
    const huge = 'h'.repeat(100_000);
    const fields = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, i]));

    const header = rejection(withHeaders({ [huge]: 'v' })).message;
    const unknown = rejection({ ...oneMessage({}), ...fields }).message;

    expect(header).toBe(`messages[0].headers.${'h'.repeat(64)}…: invalid header name`);
    expect(unknown).toBe('unknown fields "f0", "f1", "f2", "f3", "f4", 4 more');
  });

  it.each<[string, unknown, PublishLimits, string, RegExp]>([
    [
      '501 messages',
      toTasks(bodies(501)),
      DEFAULT_PUBLISH_LIMITS,
      'too_many_messages',
      /501 messages in one request; at most 500/,
    ],
    [
      'too many messages, even malformed ones',
      { messages: Array(501).fill(null) },
      DEFAULT_PUBLISH_LIMITS,
      'too_many_messages',
      /at most 500/,
    ],
    [
      'more messages than a configured limit',
      toTasks(bodies(3)),
      { ...DEFAULT_PUBLISH_LIMITS, maxMessages: 2 },
      'too_many_messages',
      /3 messages in one request; at most 2/,
    ],
    [
      'a body over 256 KiB',
      toTasks([{ body: 'x'.repeat(256 * KIB) }]),
      DEFAULT_PUBLISH_LIMITS,
      'message_too_large',
      /messages\[0\] is 262146 bytes .* at most 262144/,
    ],
    [
      'a body over 256 KiB in UTF-8 though not in characters',
      toTasks([{ body: 'é'.repeat(132 * KIB) }]),
      DEFAULT_PUBLISH_LIMITS,
      'message_too_large',
      /messages\[0\]/,
    ],
    [
      'headers that take a small body over the limit',
      toTasks([
        {
          body: 'x',
          headers: Object.fromEntries(
            Array.from({ length: 64 }, (_, i) => [`h${i}`, 'v'.repeat(4096)]),
          ),
        },
      ]),
      DEFAULT_PUBLISH_LIMITS,
      'message_too_large',
      /messages\[0\]/,
    ],
    [
      'the third message over a configured limit',
      toTasks([{ body: 1 }, { body: 2 }, { body: 'x'.repeat(2 * KIB) }]),
      { ...DEFAULT_PUBLISH_LIMITS, maxMessageBytes: KIB },
      'message_too_large',
      /^messages\[2\] is 2050 bytes/,
    ],
  ])('refuses %s with 413', (_name, json, limits, code, message) => {
    const error = rejection(json, limits);

    expect([error.status, error.code]).toEqual([413, code]);
    expect(error.message).toMatch(message);
  });

  it('reads a queue request and leaves out what the caller left out', () => {
    const request = parsePublishRequest(
      toTasks([{ body: { job: 1 } }, { id: 'o-1', body: 'x', headers: { trace: 't' }, key: 'k' }]),
      DEFAULT_PUBLISH_LIMITS,
    );

    expect(request).toEqual({
      destination: { kind: 'queue', queue: 'tasks' },
      messages: [
        { body: { job: 1 }, bodyJson: '{"job":1}' },
        { id: 'o-1', body: 'x', bodyJson: '"x"', headers: { trace: 't' }, key: 'k' },
      ],
    });
    expect(Object.keys(request.messages[0] ?? {})).toEqual(['body', 'bodyJson']);
  });

  it.each<[string, Record<string, unknown>, object]>([
    [
      'a routing key',
      { exchange: 'events', routingKey: 'a.b' },
      { kind: 'exchange', exchange: 'events', routingKey: 'a.b' },
    ],
    [
      'an empty routing key',
      { exchange: 'events', routingKey: '' },
      { kind: 'exchange', exchange: 'events', routingKey: '' },
    ],
    [
      'no routing key (defaults to empty)',
      { exchange: 'events' },
      { kind: 'exchange', exchange: 'events', routingKey: '' },
    ],
    [
      'a 255-byte routing key',
      { exchange: 'events', routingKey: 'k'.repeat(255) },
      { kind: 'exchange', exchange: 'events', routingKey: 'k'.repeat(255) },
    ],
  ])('reads an exchange request with %s', (_name, fields, destination) => {
    expect(
      parsePublishRequest({ ...fields, messages: [{ body: 1 }] }, DEFAULT_PUBLISH_LIMITS)
        .destination,
    ).toEqual(destination);
  });

  it.each<[string, unknown]>([
    ['a null body', null],
    ['false', false],
    ['zero', 0],
    ['an empty string', ''],
    ['an empty array', []],
    ['an empty object', {}],
    ['nested JSON', { a: [1, { b: null }], c: 'é' }],
  ])('accepts %s as a body', (_name, body) => {
    expect(parsePublishRequest(toTasks([{ body }]), DEFAULT_PUBLISH_LIMITS).messages).toEqual([
      { body, bodyJson: JSON.stringify(body) },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an id of 128 allowed characters', { id: `Az09._:-${'a'.repeat(120)}` }],
    ['a one-character id', { id: '7' }],
    ['64 headers', { headers: manyHeaders(64) }],
    ['a 4096-character header value', { headers: { note: 'x'.repeat(4096) } }],
    ['a 128-character header name', { headers: { [`h${'x'.repeat(127)}`]: 'v' } }],
    ['header names with dots, dashes and underscores', { headers: { 'Content.Kind_v-2': 'v' } }],
    [
      'headers that only start like reserved ones',
      { headers: { 'x-deaths': '1', 'x-warren': '1', CCX: '1' } },
    ],
    ['empty headers', { headers: {} }],
    ['an empty header value', { headers: { trace: '' } }],
    ['a 256-character key', { key: 'k'.repeat(256) }],
    ['a key with spaces and non-ASCII letters', { key: 'client Zoë 42' }],
  ])('accepts a message with %s', (_name, fields) => {
    const json = oneMessage(fields);

    expect(parsePublishRequest(json, DEFAULT_PUBLISH_LIMITS).messages).toEqual([
      { body: 1, bodyJson: '1', ...fields },
    ]);
  });

  it('accepts exactly the message count limit, each message at exactly the size limit', () => {
    const limits = { ...DEFAULT_PUBLISH_LIMITS, maxMessages: 3, maxMessageBytes: KIB };
    // A string body costs its length plus two quotes; the header costs "h" plus "v".
    const message = (id: string) => ({ id, body: 'x'.repeat(KIB - 4), headers: { h: 'v' } });

    const request = parsePublishRequest(
      toTasks([message('a'), message('b'), message('c')]),
      limits,
    );

    expect(request.messages.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('accepts 500 messages and a 256 KiB message by default', () => {
    expect(parsePublishRequest(toTasks(bodies(500)), DEFAULT_PUBLISH_LIMITS).messages).toHaveLength(
      500,
    );
    expect(
      parsePublishRequest(toTasks([{ body: 'x'.repeat(256 * KIB - 2) }]), DEFAULT_PUBLISH_LIMITS)
        .messages,
    ).toHaveLength(1);
  });

  it('accepts messages without ids beside messages with ids', () => {
    const json = toTasks([{ body: 1 }, { body: 2 }, { id: 'a', body: 3 }]);

    expect(parsePublishRequest(json, DEFAULT_PUBLISH_LIMITS).messages).toHaveLength(3);
  });
});
