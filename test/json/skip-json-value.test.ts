import { describe, expect, it } from 'vitest';
import { JsonCursor } from '../../src/json/json-cursor.js';
import { JsonSyntaxError } from '../../src/json/json-syntax-error.js';
import { skipJsonValue } from '../../src/json/skip-json-value.js';

const cursorAt = (text: string) => new JsonCursor(Buffer.from(text));

describe('skipJsonValue', () => {
  it.each<[string, string, number, number]>([
    ['a number, stopping at what follows', '-1.5e3,', 0, 6],
    ['a string with escapes', ' "a\\"\\u00e9" ]', 0, 12],
    ['a literal', 'null', 0, 4],
    ['an empty object, whitespace inside', '{ \n }', 1, 5],
    ['nested containers', '[{"a":[1,{"b":[]}]},[]] x', 5, 23],
    ['names with whitespace around the colon', '{"a" : 1 , "b":2}', 1, 17],
  ])('steps over %s and tells its depth', (_name, text, depth, end) => {
    const cursor = cursorAt(text);

    expect(skipJsonValue(cursor)).toBe(depth);
    expect(cursor.offset).toBe(end);
  });

  it('steps over 1 000 000 nested arrays without recursion', () => {
    const depth = 1_000_000;
    const cursor = cursorAt(`${'['.repeat(depth)}${']'.repeat(depth)}`);

    expect(skipJsonValue(cursor)).toBe(depth);
    expect(cursor.offset).toBe(2 * depth);
  });

  it.each<[string, string, number]>([
    ['a trailing comma', '[1,]', 3],
    ['a missing colon', '{"a" 1}', 5],
    ['a mismatched closer', '[1}', 2],
    ['a leading zero', '[01]', 2],
    ['a raw control byte in a string', '"ab\u0001"', 3],
    ['a raw control byte far into a long string', `"${'x'.repeat(37)}\u001f"`, 38],
    ['an unknown escape', '"\\q"', 2],
    ['a short \\u escape', '"\\u12"', 5],
    ['a text that stops short', '{"a":[', 6],
  ])('refuses %s, naming the first byte that cannot belong', (_name, text, offset) => {
    const refuse = () => skipJsonValue(cursorAt(text));

    expect(refuse).toThrow(JsonSyntaxError);
    expect(refuse).toThrow(expect.objectContaining({ offset }));
  });
});
