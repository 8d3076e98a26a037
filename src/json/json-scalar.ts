import type { JsonCursor } from './json-cursor.js';
import { stringEnd } from './json-string.js';

const QUOTE = 0x22;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_T = 0x74;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/**
 * The position after the string, number, `true`, `false` or `null` at `i`,
 * whose first byte is `first`; anything else fails.
 *
 * @example scalarEnd(new JsonCursor(Buffer.from('true]')), 0, 0x74) // 4
 */
export function scalarEnd(cursor: JsonCursor, i: number, first: number | undefined): number {
  if (first === QUOTE) return stringEnd(cursor, i);
  if (first === LOWER_T) return literalEnd(cursor, i, TRUE);
  if (first === LOWER_F) return literalEnd(cursor, i, FALSE);
  if (first === LOWER_N) return literalEnd(cursor, i, NULL);
  return numberEnd(cursor, i);
}

/**
 * The position after the number at `i`, as RFC 8259 writes one: `-`? then
 * `0` or digits without a leading zero, then `.digits`?, then `e`/`E`, a
 * sign? and digits?. What follows is the caller's to check (`01` is a
 * number `0` then a stray `1`).
 *
 * @example numberEnd(new JsonCursor(Buffer.from('-1.5e3,')), 0) // 6
 */
export function numberEnd(cursor: JsonCursor, i: number): number {
  const { bytes } = cursor;
  if (bytes[i] === MINUS) i++;
  if (bytes[i] === ZERO) i++;
  else i = digitsEnd(cursor, i);
  if (bytes[i] === DOT) i = digitsEnd(cursor, i + 1);
  if (bytes[i] === LOWER_E || bytes[i] === UPPER_E) {
    i++;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
    i = digitsEnd(cursor, i);
  }
  return i;
}

/** The end of the digits from `i`; at least one is required. */
function digitsEnd(cursor: JsonCursor, i: number): number {
  const { bytes } = cursor;
  const start = i;
  for (; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte < ZERO || byte > NINE) break;
  }
  if (i === start) cursor.fail(i);
  return i;
}

function literalEnd(cursor: JsonCursor, i: number, literal: Buffer): number {
  const { bytes } = cursor;
  for (let k = 0; k < literal.length; k++) {
    if (bytes[i + k] !== literal[k]) cursor.fail(i + k);
  }
  return i + literal.length;
}
