import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../src/json/json-bytes.js';
import { JsonCursor } from '../../src/json/json-cursor.js';
import { readString } from '../../src/json/json-string.js';
import { readJsonValue } from '../../src/json/read-json-value.js';

const cursorAt = (text: string) => new JsonCursor(Buffer.from(text));

describe('readJsonValue', () => {
  it.each([
    '0',
    '-0',
    '1e999',
    '-1.25E-3',
    '123456789012345678901234567890',
    'true',
    'false',
    'null',
    '""',
    '"plain"',
    '"Zoë 日本 😀"',
    '"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\ud800"',
    '[]',
    '{}',
    ' { "a" : [1, {"__proto__": 2, "a": 3, "a": 4}] } ',
  ])('reads %s as JSON.parse does', (text) => {
    const cursor = cursorAt(text);

    expect(readJsonValue(cursor)).toStrictEqual(JSON.parse(text));
    expect(cursor.offset).toBe(Buffer.byteLength(text.trimEnd()));
  });
});

describe('readString', () => {
  it('gives back a known name itself, and decodes one written with escapes', () => {
    const known = ['messages'];

    expect(readString(cursorAt('"messages"'), known)).toBe(known[0]);
    expect(readString(cursorAt('"m\\u0065ssages"'), known)).toBe('messages');
    expect(readString(cursorAt('"message"'), known)).toBe('message');
  });
});

describe('JsonBytes', () => {
  it('is written by JSON.stringify as the value its bytes hold', () => {
    const kept = new JsonBytes(Buffer.from(' {"a": [1, "b"]} '), 2);

    expect(JSON.stringify({ body: kept })).toBe('{"body":{"a":[1,"b"]}}');
  });
});
