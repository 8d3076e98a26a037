import { type JsonCursor, spaceEnd } from './json-cursor.js';
import { scalarEnd } from './json-scalar.js';
import { stringEnd } from './json-string.js';

// Byte constants are per file on purpose: imported from one module, the scan loops
// measured up to 1.6x slower (bench/publish-body-parse.ts, 40 short fields).
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;

/**
 * Steps over the JSON value at the cursor, checking its syntax without
 * building it, and returns how deep containers nest in it (0 for a scalar).
 * A loop over an explicit stack of open containers, not recursion: a body of
 * 100 000 `[` must come back as an answer, not as a stack overflow.
 *
 * @example skipJsonValue(new JsonCursor(Buffer.from('[{"a":[]}]'))) // 3
 */
export function skipJsonValue(cursor: JsonCursor): number {
  const { bytes } = cursor;
  let i = cursor.offset;
  let depth = 0;
  let deepest = 0;
  for (;;) {
    i = spaceEnd(bytes, i);
    const first = bytes[i];
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      open(cursor, depth, first);
      depth++;
      if (depth > deepest) deepest = depth;
      i = spaceEnd(bytes, i + 1);
      if (bytes[i] !== closerOf(first)) {
        if (first === OPEN_BRACE) i = memberNameEnd(cursor, i);
        continue;
      }
      i++;
      depth--;
    } else {
      i = scalarEnd(cursor, i, first);
    }
    // A value has ended: close the containers it ends, or step to the next value.
    for (;;) {
      if (depth === 0) {
        cursor.offset = i;
        return deepest;
      }
      const opener = cursor.openers[depth - 1] as number;
      i = spaceEnd(bytes, i);
      const next = bytes[i];
      if (next === COMMA) {
        i = opener === OPEN_BRACE ? memberNameEnd(cursor, i + 1) : i + 1;
        break;
      }
      if (next !== closerOf(opener)) cursor.fail(i);
      i++;
      depth--;
    }
  }
}

/** The position after `"name":` (whitespace around the colon included) from `i`. */
function memberNameEnd(cursor: JsonCursor, i: number): number {
  const { bytes } = cursor;
  i = spaceEnd(bytes, i);
  if (bytes[i] !== QUOTE) cursor.fail(i);
  i = spaceEnd(bytes, stringEnd(cursor, i));
  if (bytes[i] !== COLON) cursor.fail(i);
  return i + 1;
}

function closerOf(opener: number): number {
  return opener === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
}

function open(cursor: JsonCursor, depth: number, opener: number): void {
  if (depth === cursor.openers.length) {
    const grown = new Uint8Array(depth * 2);
    grown.set(cursor.openers);
    cursor.openers = grown;
  }
  cursor.openers[depth] = opener;
}
