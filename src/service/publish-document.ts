import { isUtf8 } from 'node:buffer';
import { JsonBytes } from '../json/json-bytes.js';
import { JsonCursor } from '../json/json-cursor.js';
import { JsonSyntaxError } from '../json/json-syntax-error.js';
import { readArrayWith, readObjectWith } from '../json/read-json-container.js';
import { readJsonValue } from '../json/read-json-value.js';
import { skipJsonValue } from '../json/skip-json-value.js';
import { publishRequestSchema } from './publish-request-schema.js';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

const REQUEST_FIELDS = Object.keys(publishRequestSchema.shape);
const MESSAGE_FIELDS = Object.keys(publishRequestSchema.shape.messages.element.shape);

/**
 * Reads a publish request's bytes in one pass. The whole text is checked as
 * JSON (UTF-8, RFC 8259 syntax, nothing but whitespace after the value) and
 * built as JSON.parse builds it, except that each `messages[i].body` is only
 * checked and kept as a {@link JsonBytes} over the request's own bytes: the
 * bytes the broker gets, without a copy. Only a body at that path is kept so;
 * a document of another shape is built whole, so that validating it reports
 * what it always did. A leading byte order mark is skipped, as the route's
 * TextDecoder skipped it before. Throws a JsonSyntaxError.
 *
 * @example
 * readPublishDocument(Buffer.from('{"queue":"tasks","messages":[{"body": {"a": 1} }]}'))
 * // { queue: 'tasks', messages: [{ body: JsonBytes('{"a": 1}') }] }
 */
export function readPublishDocument(bytes: Uint8Array): unknown {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Native, and checked once: the scanners then only have to keep raw control bytes out of strings.
  if (!isUtf8(buffer)) throw new JsonSyntaxError('not UTF-8');
  const cursor = new JsonCursor(buffer, startsWithByteOrderMark(buffer) ? 3 : 0);
  const document =
    cursor.peek() === OPEN_BRACE
      ? readObjectWith(cursor, requestField, REQUEST_FIELDS)
      : readJsonValue(cursor);
  cursor.expectEnd();
  return document;
}

function requestField(cursor: JsonCursor, name: string): unknown {
  return name === 'messages' && cursor.peek() === OPEN_BRACKET
    ? readArrayWith(cursor, message)
    : readJsonValue(cursor);
}

function message(cursor: JsonCursor): unknown {
  return cursor.peek() === OPEN_BRACE
    ? readObjectWith(cursor, messageField, MESSAGE_FIELDS)
    : readJsonValue(cursor);
}

function messageField(cursor: JsonCursor, name: string): unknown {
  if (name !== 'body') return readJsonValue(cursor);
  cursor.peek();
  const start = cursor.offset;
  const depth = skipJsonValue(cursor);
  return new JsonBytes(cursor.bytes.subarray(start, cursor.offset), depth);
}

function startsWithByteOrderMark(bytes: Buffer): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
