import { describe, expect, it } from 'vitest';
import { DEFAULT_PUBLISH_LIMITS } from '../../src/service/publish-limits.js';
import { parsePublishRequest } from '../../src/service/publish-request.js';
import { manyHeaders, oneMessage, toTasks } from './publish-request-fixtures.js';

describe('parsePublishRequest', () => {
  it('reads a queue request and leaves out what the caller left out', () => {
    const request = parsePublishRequest(
      toTasks([{ body: { job: 1 } }, { id: 'o-1', body: 'x', headers: { trace: 't' }, key: 'k' }]),
      DEFAULT_PUBLISH_LIMITS,
    );

    expect(request).toEqual({
      destination: { kind: 'queue', queue: 'tasks' },
      messages: [
        { body: { job: 1 }, bodyBytes: Buffer.from('{"job":1}') },
        {
          id: 'o-1',
          body: 'x',
          bodyBytes: Buffer.from('"x"'),
          headers: { trace: 't' },
          key: 'k',
        },
      ],
    });
    expect(Object.keys(request.messages[0] ?? {})).toEqual(['body', 'bodyBytes']);
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
      { body, bodyBytes: Buffer.from(JSON.stringify(body)) },
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
      { body: 1, bodyBytes: Buffer.from('1'), ...fields },
    ]);
  });

  it('reads replicas when given, and leaves them out when not', () => {
    const asked = parsePublishRequest(
      { ...toTasks([{ body: 1 }]), replicas: 3 },
      DEFAULT_PUBLISH_LIMITS,
    );
    const unasked = parsePublishRequest(toTasks([{ body: 1 }]), DEFAULT_PUBLISH_LIMITS);

    expect(asked.replicas).toBe(3);
    expect('replicas' in unasked).toBe(false);
  });

  it('accepts messages without ids beside messages with ids', () => {
    const json = toTasks([{ body: 1 }, { body: 2 }, { id: 'a', body: 3 }]);

    expect(parsePublishRequest(json, DEFAULT_PUBLISH_LIMITS).messages).toHaveLength(3);
  });
});
