import type { ConsumeMessage, Options } from 'amqplib';

/**
 * A delivery's properties as options for a copy of it. `userId` is left out
 * (the broker refuses one that is not the publishing user's), and so is a
 * timestamp amqplib could not encode again.
 *
 * @example link.publishConfirmed([{ exchange: '', routingKey: 'tasks', content: delivery.content, options: copyOptions(delivery, headers) }], 10_000)
 */
export function copyOptions(
  delivery: ConsumeMessage,
  headers: Record<string, unknown>,
): Options.Publish {
  const { userId: _userId, timestamp, headers: _headers, ...properties } = delivery.properties;
  return {
    ...(properties as Options.Publish),
    ...(Number.isSafeInteger(timestamp) && timestamp >= 0 && { timestamp }),
    headers,
    persistent: true,
  };
}
