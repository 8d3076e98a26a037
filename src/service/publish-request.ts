import type * as z from 'zod';
import { JsonBytes } from '../json/json-bytes.js';
import { JsonSyntaxError } from '../json/json-syntax-error.js';
import type { Destination, PublishMessage } from '../publish/publisher.js';
import { readPublishDocument } from './publish-document.js';
import type { PublishLimits } from './publish-limits.js';
import { PublishRequestError } from './publish-request-error.js';
import { byteLength, publishRequestSchema } from './publish-request-schema.js';

/** A validated publish request; `destination` is as asked, not yet checked against the topology. */
export interface PublishRequest {
  readonly destination: Destination;
  readonly messages: PublishMessage[];
  /** Distinct brokers that must confirm each message; absent: the service's default. */
  readonly replicas?: number;
}

const MAX_LISTED_ISSUES = 5;
/**
 * How deep a body read from bytes may nest. Such a body is never built, so
 * nothing here needs a limit; but JSON.stringify, which refused deeper bodies
 * before (and still does for a direct invoke), gives up a little past 4 000
 * levels on Node's default stack, and so may a consumer's parser.
 */
export const MAX_BODY_DEPTH = 4_096;

/**
 * The most a message's headers may take (names and values, UTF-8). They travel
 * with its other properties in one AMQP content-header frame, which a broker
 * caps at its frame size (131 072 bytes, RabbitMQ's default): a message over
 * it could not be sent to any broker, and would fail as though every broker
 * had, blamed on each of them.
 */
export const MAX_HEADER_BYTES = 65_536;

/**
 * Validates a publish request (the HTTP body or a direct-invoke payload).
 * Limits are checked first, so an oversized batch is refused before its
 * messages are looked at. `routingKey` defaults to `''` with an exchange.
 * Each message gets its body's JSON as `bodyBytes`: serialised here, once.
 * Throws a PublishRequestError: `invalid_request` naming the first problems by
 * path, `too_many_messages` or `message_too_large` (body as JSON plus headers).
 *
 * @example
 * const { destination, messages } = parsePublishRequest(
 *   { queue: 'tasks', messages: [{ body: { job: 1 } }] },
 *   DEFAULT_PUBLISH_LIMITS,
 * ); // destination: { kind: 'queue', queue: 'tasks' }
 */
export function parsePublishRequest(json: unknown, limits: PublishLimits): PublishRequest {
  const count = messageCount(json);
  if (count > limits.maxMessages) {
    throw new PublishRequestError(
      'too_many_messages',
      `${count} messages in one request; at most ${limits.maxMessages}`,
    );
  }
  const result = publishRequestSchema.safeParse(json, { error: describeTypeIssue });
  if (!result.success) throw invalidRequest(result.error.issues.map(formatIssue));
  const request = result.data;
  rejectDuplicateIds(request.messages);
  const messages: PublishMessage[] = request.messages.map((message, index) => {
    const bodyBytes = bodyBytesOf(message.body, index);
    const headerSize = headerBytes(message);
    const bytes = bodyBytes.length + headerSize;
    if (bytes > limits.maxMessageBytes) {
      throw new PublishRequestError(
        'message_too_large',
        `messages[${index}] is ${bytes} bytes (body as JSON plus headers); at most ${limits.maxMessageBytes}`,
      );
    }
    if (headerSize > MAX_HEADER_BYTES) {
      throw new PublishRequestError(
        'message_too_large',
        `messages[${index}].headers take ${headerSize} bytes; at most ${MAX_HEADER_BYTES} (they travel in one AMQP frame)`,
      );
    }
    return withBodyBytes(message, bodyBytes);
  });
  const destination: Destination =
    request.exchange !== undefined
      ? { kind: 'exchange', exchange: request.exchange, routingKey: request.routingKey ?? '' }
      : { kind: 'queue', queue: request.queue ?? '' };
  return {
    destination,
    messages,
    ...(request.replicas !== undefined && { replicas: request.replicas }),
  };
}

/**
 * {@link parsePublishRequest} for a request still in its bytes (the HTTP
 * body), read in one pass (readPublishDocument): each message's `bodyBytes`
 * are the request's own bytes of its body, as sent, whitespace inside
 * included; the body is neither built nor serialised again (`body` is a
 * JsonBytes, which JSON.stringify writes as the value). Bytes that are not
 * UTF-8 JSON are refused as `malformed_json`, a body nested deeper than
 * {@link MAX_BODY_DEPTH} as `invalid_request`.
 *
 * @example
 * const { messages } = parsePublishRequestBytes(
 *   Buffer.from('{"queue":"tasks","messages":[{"body": {"job": 1} }]}'),
 *   DEFAULT_PUBLISH_LIMITS,
 * ); // messages[0].bodyBytes: the bytes of {"job": 1}
 */
export function parsePublishRequestBytes(bytes: Uint8Array, limits: PublishLimits): PublishRequest {
  let document: unknown;
  try {
    document = readPublishDocument(bytes);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new PublishRequestError('malformed_json', 'the request body is not valid UTF-8 JSON');
  }
  return parsePublishRequest(document, limits);
}

function messageCount(json: unknown): number {
  if (typeof json !== 'object' || json === null || !('messages' in json)) return 0;
  return Array.isArray(json.messages) ? json.messages.length : 0;
}

function rejectDuplicateIds(messages: readonly PublishMessage[]): void {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  messages.forEach(({ id }, index) => {
    if (id === undefined) return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, index);
    else problems.push(`messages[${index}].id: duplicate of messages[${first}].id "${id}"`);
  });
  if (problems.length > 0) throw invalidRequest(problems);
}

/** The body's JSON as UTF-8: the request's own bytes when it came as bytes, else serialised. */
function bodyBytesOf(body: unknown, index: number): Buffer {
  if (!(body instanceof JsonBytes)) return Buffer.from(serialize(body, index));
  if (body.depth > MAX_BODY_DEPTH)
    throw invalidRequest([`messages[${index}].body: nested deeper than ${MAX_BODY_DEPTH} levels`]);
  return body.bytes;
}

function serialize(body: unknown, index: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch {
    // Cycles (in-process callers only) and nesting deeper than the stack.
    json = undefined;
  }
  if (json === undefined)
    throw invalidRequest([`messages[${index}].body: cannot be serialized as JSON`]);
  return json;
}

type ValidMessage = z.output<typeof publishRequestSchema>['messages'][number];

/**
 * The message as the publisher gets it: the fields the caller gave, and the
 * body's bytes. A body read from bytes stays a JsonBytes, never built.
 */
function withBodyBytes(message: ValidMessage, bodyBytes: Buffer): PublishMessage {
  // Field by field: spreading the message costs more than the rest of its validation.
  const withBytes: { -readonly [K in keyof PublishMessage]: PublishMessage[K] } = {
    body: message.body,
    bodyBytes,
  };
  if (message.id !== undefined) withBytes.id = message.id;
  if (message.headers !== undefined) withBytes.headers = message.headers;
  if (message.key !== undefined) withBytes.key = message.key;
  return withBytes;
}

/** UTF-8 bytes of every header name and value. */
function headerBytes(message: ValidMessage): number {
  let bytes = 0;
  if (message.headers === undefined) return bytes;
  for (const [name, value] of Object.entries(message.headers))
    bytes += byteLength(name) + byteLength(value);
  return bytes;
}

function invalidRequest(problems: readonly string[]): PublishRequestError {
  const listed = problems.slice(0, MAX_LISTED_ISSUES).join('; ');
  const more = problems.length - MAX_LISTED_ISSUES;
  return new PublishRequestError(
    'invalid_request',
    more > 0 ? `${listed}; and ${more} more` : listed,
  );
}

/** Type errors in words a caller can act on: `required`, `expected string, got number`. */
function describeTypeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'required';
  const expected = issue.expected === 'record' ? 'object' : issue.expected;
  return `expected ${expected}, got ${jsonType(issue.input)}`;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** `messages[3].headers.x-death: reserved header name`. */
function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  const at = path === '' ? '' : `${path}: `;
  if (issue.code === 'unrecognized_keys') {
    const { keys } = issue;
    const fields = keys.slice(0, MAX_LISTED_ISSUES).map((key) => `"${clip(key)}"`);
    if (keys.length > MAX_LISTED_ISSUES) fields.push(`${keys.length - MAX_LISTED_ISSUES} more`);
    return `${at}unknown field${keys.length > 1 ? 's' : ''} ${fields.join(', ')}`;
  }
  return `${at}${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return i === 0 ? clip(String(segment)) : `.${clip(String(segment))}`;
    })
    .join('');
}

/** Names come from the caller and may be huge; an error message quotes at most 64 characters of one. */
function clip(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}
