import type { JsonCursor } from './json-cursor.js';
import { numberEnd, scalarEnd } from './json-scalar.js';
import { readString } from './json-string.js';
import { skipJsonValue } from './skip-json-value.js';

// Byte constants are per file on purpose: imported from one module, the scan loops
// measured up to 1.6x slower (bench/publish-body-parse.ts, 40 short fields).
const QUOTE = 0x22;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_T = 0x74;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;

/**
 * The JSON value at the cursor, built as JSON.parse builds it, with the
 * cursor moved past it. Syntax is checked here, by the same scanners as
 * everywhere else; an object or array is then built by JSON.parse from its
 * bytes, which keeps JSON.parse's meaning exactly (the last of duplicate keys
 * wins, `__proto__` is an own property) at any depth.
 *
 * @example readJsonValue(new JsonCursor(Buffer.from(' {"a":[1]}'))) // { a: [1] }
 */
export function readJsonValue(cursor: JsonCursor): unknown {
  const first = cursor.peek();
  const start = cursor.offset;
  if (first === QUOTE) return readString(cursor);
  if (first === MINUS || (first >= ZERO && first <= NINE)) {
    cursor.offset = numberEnd(cursor, start);
    // JSON's number grammar is a subset of Number's, read with the same rounding.
    return Number(cursor.bytes.toString('latin1', start, cursor.offset));
  }
  if (first === LOWER_T || first === LOWER_F || first === LOWER_N) {
    cursor.offset = scalarEnd(cursor, start, first);
    return first === LOWER_N ? null : first === LOWER_T;
  }
  skipJsonValue(cursor);
  return JSON.parse(cursor.bytes.toString('utf8', start, cursor.offset));
}
