import { JsonSyntaxError } from './json-syntax-error.js';

const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BACKSLASH = 0x5c;
const NO_WORDS = new Int32Array(0);

/**
 * A JSON text's bytes and a position in them, shared by the scanners in this
 * folder. The scanners' inner loops pass positions as plain numbers
 * (`stringEnd(cursor, i)`) and move `offset` once they are done. The bytes
 * are also seen as 32-bit words from the first 4-aligned byte on, so a long
 * string is checked a word at a time (json-string.ts).
 *
 * @example
 * const cursor = new JsonCursor(Buffer.from(' [1]'));
 * cursor.peek(); // 0x5b, at offset 1
 */
export class JsonCursor {
  readonly bytes: Buffer;
  offset: number;
  readonly words: Int32Array;
  /** The byte index of `words[0]`. */
  readonly wordsStart: number;
  /** Which container each open level is, for the iterative skip (skip-json-value.ts); grown on demand. */
  openers = new Uint8Array(64);
  /** The first backslash at or after `searchedFrom` (the length if none). */
  private backslash = -1;
  private searchedFrom = 0;

  constructor(bytes: Buffer, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
    this.wordsStart = (4 - (bytes.byteOffset & 3)) & 3;
    const wordCount = (bytes.length - this.wordsStart) >> 2;
    this.words =
      wordCount > 0
        ? new Int32Array(bytes.buffer, bytes.byteOffset + this.wordsStart, wordCount)
        : NO_WORDS;
  }

  /** The next byte that is not whitespace, with `offset` moved to it; -1 at the end. */
  peek(): number {
    this.offset = spaceEnd(this.bytes, this.offset);
    return this.offset < this.bytes.length ? (this.bytes[this.offset] as number) : -1;
  }

  /** Steps over `byte` after any whitespace, or fails. */
  expect(byte: number): void {
    if (this.peek() !== byte) this.fail();
    this.offset++;
  }

  /** Fails unless only whitespace is left. */
  expectEnd(): void {
    if (this.peek() !== -1) this.fail();
  }

  /**
   * The first backslash at or after `from` (the length when there is none),
   * found natively. The answer holds for every position between the search's
   * start and the backslash, so a text without one is searched once.
   */
  backslashFrom(from: number): number {
    if (from < this.searchedFrom || from > this.backslash) {
      const found = this.bytes.indexOf(BACKSLASH, from);
      this.backslash = found < 0 ? this.bytes.length : found;
      this.searchedFrom = from;
    }
    return this.backslash;
  }

  fail(at = this.offset): never {
    throw new JsonSyntaxError(at < this.bytes.length ? 'unexpected byte' : 'unexpected end', at);
  }
}

/** The first position from `i` that is not JSON whitespace. */
export function spaceEnd(bytes: Buffer, i: number): number {
  while (i < bytes.length) {
    const byte = bytes[i] as number;
    if (byte !== SPACE && byte !== LINE_FEED && byte !== CARRIAGE_RETURN && byte !== TAB) break;
    i++;
  }
  return i;
}
