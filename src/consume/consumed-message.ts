import type { ConsumeMessage } from 'amqplib';

/** Header in which warren counts how often a message was handed back after its handler failed. */
export const REDELIVERIES_HEADER = 'x-warren-redeliveries';

/** A message as a consumer's handler sees it. */
export interface ConsumedMessage {
  /** The AMQP `messageId`: stable across retries, the key to de-duplicate on. */
  readonly id: string;
  /** False when the message had no `messageId` and `id` was made up from the delivery (not stable). */
  readonly hasMessageId: boolean;
  /** The broker it came from. */
  readonly node: string;
  /** Parsed JSON for `application/json` messages, else the text. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
  /** How many times a handler already failed on it. */
  readonly redeliveries: number;
  /** RabbitMQ's own flag: delivered before, e.g. to a consumer that died before acking. */
  readonly redelivered: boolean;
  readonly publishedAt?: string;
}

/** Decodes an AMQP delivery; a body that claims JSON but is not is handed over as text. */
export function decodeMessage(node: string, message: ConsumeMessage): ConsumedMessage {
  const { properties, fields, content } = message;
  const headers = (properties.headers ?? {}) as Record<string, unknown>;
  const text = content.toString('utf8');
  let body: unknown = text;
  if (properties.contentType === 'application/json') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const redeliveries = Number(headers[REDELIVERIES_HEADER] ?? 0);
  return {
    id:
      typeof properties.messageId === 'string'
        ? properties.messageId
        : `${node}:${fields.deliveryTag}`,
    hasMessageId: typeof properties.messageId === 'string',
    node,
    body,
    headers,
    redeliveries: Number.isInteger(redeliveries) && redeliveries > 0 ? redeliveries : 0,
    redelivered: fields.redelivered,
    ...(typeof properties.timestamp === 'number' && {
      publishedAt: new Date(properties.timestamp * 1000).toISOString(),
    }),
  };
}
