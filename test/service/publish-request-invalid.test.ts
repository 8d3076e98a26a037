import { describe, expect, it } from 'vitest';
import {
  expectInvalidRequest,
  oneMessage,
  rejection,
  toTasks,
  withHeaders,
} from './publish-request-fixtures.js';

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
    // Replicas
    ['replicas 0', { ...oneMessage({}), replicas: 0 }, /replicas: must be an integer from 1 to 3/],
    ['replicas 4', { ...oneMessage({}), replicas: 4 }, /replicas: must be an integer from 1 to 3/],
    [
      'replicas 1.5',
      { ...oneMessage({}), replicas: 1.5 },
      /replicas: must be an integer from 1 to 3/,
    ],
    [
      'replicas as a string',
      { ...oneMessage({}), replicas: '2' },
      /replicas: expected number, got string/,
    ],
    ['replicas null', { ...oneMessage({}), replicas: null }, /replicas: expected number, got null/],
    [
      'replicas inside a message',
      oneMessage({ replicas: 2 }),
      /messages\[0\]: unknown field "replicas"/,
    ],
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
  ])('refuses %s with 400 invalid_request', expectInvalidRequest);

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
});
