import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../src/json/json-bytes.js';
import { DEFAULT_PUBLISH_LIMITS } from '../../src/service/publish-limits.js';
import {
  MAX_BODY_DEPTH,
  parsePublishRequest,
  parsePublishRequestBytes,
} from '../../src/service/publish-request.js';
import { PublishRequestError } from '../../src/service/publish-request-error.js';

const parseText = (text: string, limits = DEFAULT_PUBLISH_LIMITS) =>
  parsePublishRequestBytes(Buffer.from(text), limits);
const bodiesOf = (text: string) =>
  parseText(text).messages.map((message) => message.bodyBytes?.toString());
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function refusal(text: string, limits = DEFAULT_PUBLISH_LIMITS) {
  try {
    parseText(text, limits);
  } catch (error) {
    if (error instanceof PublishRequestError) return [error.problem, error.message];
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('parsePublishRequestBytes', () => {
  it('reads what parsePublishRequest reads from the same JSON, bodies aside', () => {
    const request = {
      exchange: 'events',
      routingKey: 'a.b',
      replicas: 2,
      messages: [
        { id: 'a', body: { job: 1 }, headers: { trace: 't', 'x-kind': 'é' }, key: 'k' },
        { body: [null, 'two'] },
      ],
    };
    const fromObject = parsePublishRequest(request, DEFAULT_PUBLISH_LIMITS);

    const fromBytes = parseText(JSON.stringify(request));

    const withoutBodies = ({ destination, messages, replicas }: typeof fromObject) => ({
      destination,
      replicas,
      messages: messages.map(({ body: _, ...fields }) => fields),
    });
    expect(withoutBodies(fromBytes)).toEqual(withoutBodies(fromObject));
  });

  it.each<[string, string, string[]]>([
    ['a compact body', '{"queue":"tasks","messages":[{"body":{"a":1}}]}', ['{"a":1}']],
    [
      'the whitespace inside a body, not around it',
      '{"queue":"tasks","messages":[{"body":  {"a": 1,\n "b": [ ]}  }]}',
      ['{"a": 1,\n "b": [ ]}'],
    ],
    [
      'numbers as written',
      '{"queue":"tasks","messages":[{"body":1e999},{"body":-0.50},{"body":1E2}]}',
      ['1e999', '-0.50', '1E2'],
    ],
    [
      'escapes as written',
      '{"queue":"tasks","messages":[{"body":"\\u00e9\\/"}]}',
      ['"\\u00e9\\/"'],
    ],
    ['raw UTF-8', '{"queue":"tasks","messages":[{"body":"Zoë 😀"}]}', ['"Zoë 😀"']],
    [
      'the last of a duplicated body',
      '{"queue":"tasks","messages":[{"body":1,"body":[2]}]}',
      ['[2]'],
    ],
    [
      'after a leading byte order mark',
      '\ufeff{"queue":"tasks","messages":[{"body":true}]}',
      ['true'],
    ],
  ])('sends %s as the caller sent it', (_name, text, bodies) => {
    expect(bodiesOf(text)).toEqual(bodies);
  });

  it('takes the body bytes from the request buffer without copying them', () => {
    const bytes = Buffer.from('{"queue":"tasks","messages":[{"body":{"a":1}}]}');

    const [message] = parsePublishRequestBytes(bytes, DEFAULT_PUBLISH_LIMITS).messages;

    expect(message?.bodyBytes?.buffer).toBe(bytes.buffer);
  });

  it('leaves the body unbuilt, as JsonBytes that JSON.stringify writes as the value', () => {
    const [message] = parseText('{"queue":"tasks","messages":[{"body": {"a": [1]} }]}').messages;

    expect(message?.body).toBeInstanceOf(JsonBytes);
    expect(JSON.stringify(message?.body)).toBe('{"a":[1]}');
  });

  it.each<[string, string, [string, string]]>([
    [
      'bytes that are not JSON',
      '{"queue":"tasks",',
      ['malformed_json', 'the request body is not valid UTF-8 JSON'],
    ],
    [
      'a body that is not JSON',
      '{"queue":"tasks","messages":[{"body":[1,]}]}',
      ['malformed_json', 'the request body is not valid UTF-8 JSON'],
    ],
    [
      'bad JSON after a body nested too deep (the syntax is checked first)',
      `{"queue":"tasks","messages":[{"body":${nested(MAX_BODY_DEPTH + 1)}}],}`,
      ['malformed_json', 'the request body is not valid UTF-8 JSON'],
    ],
    [
      `a body nested deeper than ${MAX_BODY_DEPTH} levels`,
      `{"queue":"tasks","messages":[{"body":1},{"body":${nested(MAX_BODY_DEPTH + 1)}}]}`,
      ['invalid_request', `messages[1].body: nested deeper than ${MAX_BODY_DEPTH} levels`],
    ],
    [
      'a body 300 000 levels deep',
      `{"queue":"tasks","messages":[{"body":${nested(300_000)}}]}`,
      ['invalid_request', `messages[0].body: nested deeper than ${MAX_BODY_DEPTH} levels`],
    ],
    [
      'a message over the limit by its body bytes as sent',
      '{"queue":"tasks","messages":[{"body":[1,      2]}]}',
      ['message_too_large', 'messages[0] is 11 bytes (body as JSON plus headers); at most 10'],
    ],
  ])('refuses %s', (_name, text, expected) => {
    expect(refusal(text, { ...DEFAULT_PUBLISH_LIMITS, maxMessageBytes: 10 })).toEqual(expected);
  });

  it(`accepts a body nested ${MAX_BODY_DEPTH} levels deep, and a message at the limit exactly`, () => {
    const deep = `{"queue":"tasks","messages":[{"body":${nested(MAX_BODY_DEPTH)}}]}`;
    const atLimit = '{"queue":"tasks","messages":[{"body":[1,     2]}]}';

    expect(parseText(deep).messages).toHaveLength(1);
    expect(
      parseText(atLimit, { ...DEFAULT_PUBLISH_LIMITS, maxMessageBytes: 10 }).messages[0]?.bodyBytes
        ?.length,
    ).toBe(10);
  });
});
