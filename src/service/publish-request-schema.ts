import * as z from 'zod';
import { isReplicaCount, MAX_REPLICAS, MIN_REPLICAS } from '../core/replicas.js';

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

export const byteLength = (value: string) => Buffer.byteLength(value, 'utf8');

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
