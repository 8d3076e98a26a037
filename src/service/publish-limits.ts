/** How much one publish request may carry; over any of them the request is refused. */
export interface PublishLimits {
  /** Messages in one request. */
  readonly maxMessages: number;
  /** One message: its body as JSON plus its header names and values, in UTF-8 bytes. */
  readonly maxMessageBytes: number;
  /** The whole HTTP request body, checked before it is parsed. */
  readonly maxRequestBytes: number;
}

/**
 * 500 messages, 256 KiB per message, 5 MiB per request: a full request stays
 * under Lambda's 6 MB invoke payload, and a message well under RabbitMQ's
 * `max_message_size`.
 */
export const DEFAULT_PUBLISH_LIMITS: PublishLimits = {
  maxMessages: 500,
  maxMessageBytes: 256 * 1024,
  maxRequestBytes: 5 * 1024 * 1024,
};
