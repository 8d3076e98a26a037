import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';

/** How a publish on a confirm channel ended: only `confirmed` means the broker has it. */
export type PublishOutcome =
  | { readonly outcome: 'confirmed' }
  | { readonly outcome: 'failed'; readonly reason: string };

/**
 * Publishes on a confirm channel and waits for the broker's confirm, a nack,
 * the channel closing (amqplib fails pending confirms then) or `timeoutMs`,
 * whichever comes first: a dead broker can leave a confirm pending forever.
 *
 * @example
 * const { outcome } = await publishConfirmed(channel, { exchange: '', routingKey: 'tasks', content, options: { persistent: true } }, 10_000);
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  message: {
    readonly exchange: string;
    readonly routingKey: string;
    readonly content: Buffer;
    readonly options: Options.Publish;
  },
  timeoutMs: number,
): Promise<PublishOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ outcome: 'failed', reason: `no confirm within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const settle = (outcome: PublishOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    try {
      channel.publish(
        message.exchange,
        message.routingKey,
        message.content,
        message.options,
        (error) =>
          settle(
            error
              ? { outcome: 'failed', reason: String(error.message ?? error) }
              : { outcome: 'confirmed' },
          ),
      );
    } catch (error) {
      // amqplib throws at once on a closed channel or a property it cannot encode.
      settle({ outcome: 'failed', reason: (error as Error).message });
    }
  });
}

/**
 * A delivery's properties as options for a copy of it. `userId` is left out
 * (the broker refuses one that is not the publishing user's), and so is a
 * timestamp amqplib could not encode again.
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
