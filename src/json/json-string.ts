import type { JsonCursor } from './json-cursor.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LETTER_U = 0x75;

/** The bytes that may follow a backslash (`u` then takes four hex digits). */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

/** Strings up to this long are scanned a byte at a time; a native search costs more to start. */
const SHORT_STRING_BYTES = 16;

/**
 * The position after the string whose opening quote is at `i`, checking it
 * as JSON: an escape is one of `\" \\ \/ \b \f \n \r \t \uXXXX`, and no byte
 * below 0x20 appears raw. Bytes from 0x80 up pass: the caller has checked
 * the text is UTF-8.
 *
 * @example stringEnd(new JsonCursor(Buffer.from('"a\\nb" ')), 0) // 6
 */
export function stringEnd(cursor: JsonCursor, i: number): number {
  const { bytes } = cursor;
  for (i++; ; ) {
    i = plainRunEnd(cursor, i);
    const byte = bytes[i];
    if (byte === QUOTE) return i + 1;
    if (byte !== BACKSLASH) cursor.fail(i);
    i = escapeEnd(cursor, i + 1);
  }
}

/**
 * The string at the cursor (after whitespace), decoded, with the cursor
 * moved past it. One without escapes is decoded straight from its bytes; one
 * with them goes to JSON.parse, whose handling of `\u` escapes (lone
 * surrogates included) is the definition this must match. A string without
 * escapes that spells one of `known` (ASCII names) is that very string, not
 * decoded again: decoding costs more than the rest of a short string's reading.
 *
 * @example readString(new JsonCursor(Buffer.from('"caf\\u00e9"'))) // 'café'
 */
export function readString(cursor: JsonCursor, known: readonly string[] = []): string {
  if (cursor.peek() !== QUOTE) cursor.fail();
  const { bytes } = cursor;
  const start = cursor.offset;
  const end = stringEnd(cursor, start);
  cursor.offset = end;
  if (cursor.backslashFrom(start) < end) {
    return JSON.parse(bytes.toString('utf8', start, end)) as string;
  }
  for (const name of known) if (spells(bytes, start + 1, end - 1, name)) return name;
  return bytes.toString('utf8', start + 1, end - 1);
}

/** Whether bytes `start`..`end` are the ASCII string `text`. */
function spells(bytes: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let k = 0; k < text.length; k++) {
    if (bytes[start + k] !== text.charCodeAt(k)) return false;
  }
  return true;
}

function escapeEnd(cursor: JsonCursor, i: number): number {
  const { bytes } = cursor;
  const byte = bytes[i] ?? 0;
  if (SIMPLE_ESCAPE[byte] === 1) return i + 1;
  if (byte !== LETTER_U) cursor.fail(i);
  for (let digit = i + 1; digit < i + 5; digit++) {
    if (HEX_DIGIT[bytes[digit] ?? 0] !== 1) cursor.fail(digit);
  }
  return i + 5;
}

/**
 * The first position from `i` holding a quote, a backslash or a byte below
 * 0x20 (or the length). Past the first few bytes the quote and the backslash
 * are found natively (memchr), and only the bytes before them are looked at
 * for control bytes, a 32-bit word at a time: a 1 KiB body is mostly one long
 * string, and a byte at a time costs several times as much.
 */
function plainRunEnd(cursor: JsonCursor, i: number): number {
  const { bytes } = cursor;
  const end = bytes.length;
  const short = Math.min(end, i + SHORT_STRING_BYTES);
  for (; i < short; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x20 || byte === QUOTE || byte === BACKSLASH) return i;
  }
  if (i >= end) return end;
  const quote = bytes.indexOf(QUOTE, i);
  const stop = Math.min(quote < 0 ? end : quote, cursor.backslashFrom(i));
  return controlByteBefore(cursor, i, stop);
}

/** The first byte below 0x20 from `i` on, or `stop` when there is none before it. */
function controlByteBefore(cursor: JsonCursor, i: number, stop: number): number {
  const { bytes, words, wordsStart } = cursor;
  for (; i < stop && ((i - wordsStart) & 3) !== 0; i++) if ((bytes[i] as number) < 0x20) return i;
  if (i >= stop) return stop;
  let word = (i - wordsStart) >> 2;
  const wordsBeforeStop = (stop - wordsStart) >> 2;
  for (; word < wordsBeforeStop; word++) {
    const w = words[word] as number;
    // "Has a byte less than n" for n = 0x20 (Bit Twiddling Hacks): exact for n <= 128.
    if (((w - 0x20202020) & ~w & 0x80808080) !== 0) break;
  }
  for (i = wordsStart + (word << 2); i < stop; i++) if ((bytes[i] as number) < 0x20) return i;
  return stop;
}
