import type { JsonCursor } from './json-cursor.js';
import { readString } from './json-string.js';

// Byte constants are per file on purpose: imported from one module, the scan loops
// measured up to 1.6x slower (bench/publish-body-parse.ts, 40 short fields).
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * The object at the cursor, each member's value read by `readField` (given
 * the member's name), built with JSON.parse's meaning: the last of duplicate
 * names wins, and `__proto__` is an own property, not the prototype. Names
 * in `known` are not decoded (see readString).
 *
 * @example readObjectWith(cursor, (c, name) => (name === 'body' ? skipBody(c) : readJsonValue(c)), ['body'])
 */
export function readObjectWith(
  cursor: JsonCursor,
  readField: (cursor: JsonCursor, name: string) => unknown,
  known: readonly string[] = [],
): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  cursor.expect(OPEN_BRACE);
  if (cursor.peek() === CLOSE_BRACE) {
    cursor.offset++;
    return object;
  }
  for (;;) {
    const name = readString(cursor, known);
    cursor.expect(COLON);
    const value = readField(cursor, name);
    if (name === '__proto__') {
      Object.defineProperty(object, name, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      object[name] = value;
    }
    if (!endOfMember(cursor, CLOSE_BRACE)) return object;
  }
}

/**
 * The array at the cursor, each element read by `readElement` (given its index).
 *
 * @example readArrayWith(cursor, (c) => readJsonValue(c))
 */
export function readArrayWith<T>(
  cursor: JsonCursor,
  readElement: (cursor: JsonCursor, index: number) => T,
): T[] {
  const array: T[] = [];
  cursor.expect(OPEN_BRACKET);
  if (cursor.peek() === CLOSE_BRACKET) {
    cursor.offset++;
    return array;
  }
  for (;;) {
    array.push(readElement(cursor, array.length));
    if (!endOfMember(cursor, CLOSE_BRACKET)) return array;
  }
}

/** Steps over the `,` before another member (true) or the closing `closer` (false). */
function endOfMember(cursor: JsonCursor, closer: number): boolean {
  const next = cursor.peek();
  if (next !== COMMA && next !== closer) cursor.fail();
  cursor.offset++;
  return next === COMMA;
}
