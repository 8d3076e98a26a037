import type { ConsumeMessage } from 'amqplib';
import { replicasOf } from '../core/replicas.js';

/** Header in which warren counts how often a message was handed back after its handler failed. */
export const REDELIVERIES_HEADER = 'x-warren-redeliveries';

/** A message as a consumer's handler sees it. */
export interface ConsumedMessage {
  /** The AMQP `messageId`: stable across retries, the key to de-duplicate on. */
  readonly id: string;
  /** False when the message had no (or an empty) `messageId` and `id` was made up from the delivery (not stable). */
  readonly hasMessageId: boolean;
  /**
   * How many brokers hold a copy of it (`x-warren-replicas`), 1 to 3: a
   * consumer attached to every broker meets it up to that many times, all
   * with the same `id`. 1 when the header is absent or not a count.
   */
  readonly replicas: number;
  /** The broker it came from. */
  readonly node: string;
  /** Parsed JSON for `application/json` messages, else the text. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
  /** How many times a handler already failed on it. */
  readonly redeliveries: number;
  /** RabbitMQ's own flag: delivered before, e.g. to a consumer that died before acking. */
  readonly redelivered: boolean;
  /** The AMQP timestamp (seconds), when it is a plausible one: absent otherwise. */
  readonly publishedAt?: string;
}

/** What a delivery decodes to: a message for the handler, or why no handler can have it. */
export type DecodedDelivery =
  | { readonly kind: 'message'; readonly message: ConsumedMessage }
  | { readonly kind: 'undecodable'; readonly reason: string };

/** 9999-12-31T23:59:59Z: past it a timestamp is in ms or µs, not seconds (or not a date at all). */
const LAST_FOUR_DIGIT_YEAR_SECONDS = 253_402_300_799;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes an AMQP delivery; total: it never throws. A body the handler could
 * not be given (declared `application/json` but not UTF-8 or not JSON) is
 * `undecodable`, for the consumer to dead-letter; a field that only informs
 * (a timestamp that is not seconds since the epoch) is left out instead.
 *
 * @example
 * const decoded = decodeMessage('b1', delivery);
 * if (decoded.kind === 'message') console.log(decoded.message.body);
 */
export function decodeMessage(node: string, delivery: ConsumeMessage): DecodedDelivery {
  const { properties, fields } = delivery;
  const body = decodeBody(delivery);
  if (body.kind === 'undecodable') return body;
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const redeliveries = Number(headers[REDELIVERIES_HEADER] ?? 0);
  const publishedAt = secondsToIso(properties.timestamp);
  // An empty messageId names nothing: it cannot tell two messages apart, nor be a dedupe key.
  const messageId =
    typeof properties.messageId === 'string' && properties.messageId !== ''
      ? properties.messageId
      : undefined;
  return {
    kind: 'message',
    message: {
      id: messageId ?? `${node}:${fields.deliveryTag}`,
      hasMessageId: messageId !== undefined,
      replicas: replicasOf(headers),
      node,
      body: body.value,
      headers,
      redeliveries: Number.isInteger(redeliveries) && redeliveries > 0 ? redeliveries : 0,
      redelivered: fields.redelivered,
      ...(publishedAt !== undefined && { publishedAt }),
    },
  };
}

function decodeBody(
  delivery: ConsumeMessage,
):
  | { readonly kind: 'body'; readonly value: unknown }
  | Extract<DecodedDelivery, { kind: 'undecodable' }> {
  if (!isJson(delivery.properties.contentType)) {
    return { kind: 'body', value: delivery.content.toString('utf8') };
  }
  let text: string;
  try {
    text = utf8.decode(delivery.content);
  } catch {
    return { kind: 'undecodable', reason: 'body is not valid UTF-8' };
  }
  try {
    return { kind: 'body', value: JSON.parse(text) };
  } catch {
    return { kind: 'undecodable', reason: 'body is not valid JSON' };
  }
}

/** `application/json`, in any case, with or without parameters such as `charset`. */
function isJson(contentType: unknown): boolean {
  if (typeof contentType !== 'string') return false;
  return contentType.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

function secondsToIso(timestamp: unknown): string | undefined {
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp)) return undefined;
  if (timestamp < 0 || timestamp > LAST_FOUR_DIGIT_YEAR_SECONDS) return undefined;
  return new Date(timestamp * 1000).toISOString();
}
