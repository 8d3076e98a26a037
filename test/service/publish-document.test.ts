import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../src/json/json-bytes.js';
import { JsonSyntaxError } from '../../src/json/json-syntax-error.js';
import { readPublishDocument } from '../../src/service/publish-document.js';
import {
  bytesOf,
  INVALID,
  keptBodies,
  nested,
  oracle,
  SAMPLE,
  VALID,
  withBodiesBuilt,
} from './publish-document-corpus.js';

const asBytes = (document: string | Uint8Array) =>
  typeof document === 'string' ? bytesOf(document) : document;

/** The same bytes starting `shift` bytes into an ArrayBuffer: the word scan must not care. */
function shifted(bytes: Uint8Array, shift: number): Buffer {
  const copy = Buffer.from(new ArrayBuffer(bytes.length + shift), shift, bytes.length);
  copy.set(bytes);
  return copy;
}

describe('readPublishDocument', () => {
  it.each(VALID)('reads %s as JSON.parse does, keeping each body as its bytes', (_name, text) => {
    const bytes = asBytes(text);
    const expected = oracle(bytes);

    for (const shift of [0, 1, 2, 3]) {
      expect(withBodiesBuilt(readPublishDocument(shifted(bytes, shift)))).toStrictEqual(expected);
    }
  });

  it.each(INVALID)('refuses %s, as JSON.parse does', (_name, text) => {
    const bytes = asBytes(text);
    expect(() => oracle(bytes)).toThrow();

    for (const shift of [0, 1, 2, 3]) {
      expect(() => readPublishDocument(shifted(bytes, shift))).toThrow(JsonSyntaxError);
    }
  });

  it('holds at least 40 kinds of invalid document', () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses the sample document cut at every length, and reads it whole', () => {
    const bytes = bytesOf(SAMPLE);
    for (let length = 0; length < bytes.length; length++) {
      const cut = bytes.subarray(0, length);
      expect(() => oracle(cut)).toThrow();
      expect(() => readPublishDocument(cut), `cut at ${length}`).toThrow(JsonSyntaxError);
    }
    expect(withBodiesBuilt(readPublishDocument(bytes))).toStrictEqual(JSON.parse(SAMPLE));
  });

  it.each<[string, string, string[]]>([
    ['a body without whitespace', '{"messages":[{"body":{"a":1}}]}', ['{"a":1}']],
    [
      'the whitespace inside a body, not around it',
      '{"messages":[{"body" : \n {"a": 1,  "b" : [ ]} \t}]}',
      ['{"a": 1,  "b" : [ ]}'],
    ],
    ['a number as written', '{"messages":[{"body":1e999},{"body":-0.10}]}', ['1e999', '-0.10']],
    ['escapes as written', '{"messages":[{"body":"\\u00e9\\/"}]}', ['"\\u00e9\\/"']],
    ['the last of a duplicated body', '{"messages":[{"body":1,"body":[2] }]}', ['[2]']],
    ['only bodies at messages[i].body', '{"body":1,"messages":[{"x":{"body":2},"body":3}]}', ['3']],
  ])('keeps %s', (_name, text, bodies) => {
    const kept = keptBodies(readPublishDocument(bytesOf(text)));

    expect(kept.map((body) => body.bytes.toString())).toEqual(bodies);
  });

  it('keeps a body as a view of the request bytes, not a copy', () => {
    const bytes = bytesOf('{"messages":[{"body":{"a":1}}]}');

    const [body] = keptBodies(readPublishDocument(bytes));

    expect(body?.bytes.buffer).toBe(bytes.buffer);
    expect(body?.bytes.byteOffset).toBe(bytes.byteOffset + '{"messages":[{"body":'.length);
  });

  it.each<[string, string, number]>([
    ['a scalar', '1', 0],
    ['an empty array', '[]', 1],
    ['nested containers', '{"a":[{"b":[1]}],"c":{}}', 4],
    ['100 000 levels', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 100_000],
  ])('tells how deep %s nests', (_name, json, depth) => {
    const [body] = keptBodies(readPublishDocument(bytesOf(`{"messages":[{"body":${json}}]}`)));

    expect(body?.depth).toBe(depth);
  });

  it('reads values nested 100 000 deep anywhere without overflowing the stack', () => {
    const deep = nested(100_000);
    // Walked in a loop: vitest's deep equality would overflow the stack itself.
    const depthOf = (value: unknown) => {
      let depth = 0;
      for (let level = value; Array.isArray(level); level = level[0]) depth++;
      return depth;
    };

    const inBody = readPublishDocument(bytesOf(`{"messages":[{"body":${deep}}]}`));
    const inQueue = readPublishDocument(bytesOf(`{"queue":${deep},"messages":[]}`));
    const whole = readPublishDocument(bytesOf(deep));

    expect(keptBodies(inBody).map((body) => [body.depth, body.bytes.length])).toEqual([
      [100_000, 200_000],
    ]);
    expect(depthOf((inQueue as { queue: unknown }).queue)).toBe(100_000);
    expect(depthOf(whole)).toBe(100_000);
  });

  it('builds __proto__ names as own properties, as JSON.parse does', () => {
    const text = '{"__proto__":{"polluted":1},"messages":[{"__proto__":[],"body":1}]}';

    const document = readPublishDocument(bytesOf(text)) as {
      messages: Record<string, unknown>[];
    };

    expect(Object.keys(document)).toEqual(['__proto__', 'messages']);
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(Object.keys(document.messages[0] ?? {})).toEqual(['__proto__', 'body']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('writes a kept body as its value through JSON.stringify', () => {
    const document = readPublishDocument(bytesOf('{"messages":[{"body": { "a" : [1, "b"] } }]}'));

    expect(JSON.stringify(document)).toBe('{"messages":[{"body":{"a":[1,"b"]}}]}');
    expect(keptBodies(document)[0]).toBeInstanceOf(JsonBytes);
  });
});
