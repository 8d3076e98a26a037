import * as z from 'zod';
import { isReplicaCount, MAX_REPLICAS, MIN_REPLICAS } from '../core/replicas.js';
import type { Destination, PublishMessage } from '../publish/publisher.js';
import type { PublishLimits } from './publish-limits.js';
import { PublishRequestError } from './publish-request-error.js';

/** A validated publish request; `destination` is as asked, not yet checked against the topology. */
export interface PublishRequest {
  readonly destination: Destination;
  readonly messages: PublishMessage[];
  /** Distinct brokers that must confirm each message; absent: the service's default. */
  readonly replicas?: number;
}

const MAX_HEADERS = 64;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/**
 * Compared lower-cased. RabbitMQ writes the dead-letter and quorum headers itself,
 * and reads `CC`/`BCC` as extra routing keys (a string there closes the channel,
 * an array would route past the topology); `x-warren-*` is ours.
 */
const RESERVED_HEADER =
  /^(x-death|x-first-death-.*|x-last-death-.*|x-delivery-count|x-received-from|cc|bcc|x-warren-.*)$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MAX_LISTED_ISSUES = 5;

const byteLength = (value: string) => Buffer.byteLength(value, 'utf8');

const amqpName = (what: string) =>
  z
    .string()
    .min(1, `must be a non-empty ${what} name`)
    .refine((value) => byteLength(value) <= 255, 'must be at most 255 bytes');

// Names are checked on the raw object: zod's record drops a `__proto__` key without a word.
const headersSchema = z.preprocess(
  (headers, ctx) => {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return headers;
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) {
      ctx.addIssue({
        code: 'custom',
        message: `at most ${MAX_HEADERS} headers (got ${names.length})`,
      });
    }
    for (const name of names) {
      if (!HEADER_NAME.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: 'invalid header name' });
      else if (RESERVED_HEADER.test(name.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: [name], message: 'reserved header name' });
    }
    return headers;
  },
  z.record(z.string(), z.string().max(4096, 'header values are at most 4096 characters')),
);

const messageSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of A-Z a-z 0-9 . _ : -')
    .optional(),
  // Any JSON value, null included; a missing body is an error, never an empty message.
  body: z.unknown().refine((value) => value !== undefined, 'required'),
  headers: headersSchema.optional(),
  key: z
    .string()
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    .refine((value) => !CONTROL.test(value), 'must not contain control characters')
    .optional(),
});

/** The request body's shape, the one source of truth for validation and for the OpenAPI document. */
export const publishRequestSchema = z
  .strictObject({
    queue: amqpName('queue').optional(),
    exchange: amqpName('exchange').optional(),
    routingKey: z
      .string()
      .refine((value) => byteLength(value) <= 255, 'must be at most 255 bytes')
      .optional(),
    messages: z.array(messageSchema).min(1, 'must hold at least one message'),
    replicas: z
      .number()
      .refine(isReplicaCount, `must be an integer from ${MIN_REPLICAS} to ${MAX_REPLICAS}`)
      .optional(),
  })
  .superRefine((request, ctx) => {
    if ((request.queue === undefined) === (request.exchange === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of "queue" or "exchange"' });
    if (request.queue !== undefined && request.routingKey !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['routingKey'],
        message: 'only allowed with "exchange" (a queue is its own routing key)',
      });
  });

/**
 * Validates a publish request (the HTTP body or a direct-invoke payload).
 * Limits are checked first, so an oversized batch is refused before its
 * messages are looked at. `routingKey` defaults to `''` with an exchange.
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
  // The body is serialised once, here, and the publisher sends these very bytes.
  const messages: PublishMessage[] = request.messages.map((message, index) => {
    const bodyJson = serialize(message.body, index);
    const bytes = messageBytes(bodyJson, message);
    if (bytes > limits.maxMessageBytes) {
      throw new PublishRequestError(
        'message_too_large',
        `messages[${index}] is ${bytes} bytes (body as JSON plus headers); at most ${limits.maxMessageBytes}`,
      );
    }
    return { ...message, bodyJson };
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

/** UTF-8 bytes of the body as JSON plus every header name and value. */
function messageBytes(bodyJson: string, message: PublishMessage): number {
  let bytes = byteLength(bodyJson);
  for (const [name, value] of Object.entries(message.headers ?? {}))
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
