import type { ConsumeMessage } from 'amqplib';
import { type AmqpLink, publishOne } from '../amqp/amqp-link.js';
import type { LinkOutcome } from '../amqp/link-failure.js';
import { copyOptions } from './confirmed-publish.js';
import type { DeadLetterTarget } from './dead-letter-target.js';

/** Header on a dead-lettered copy saying why, e.g. `body is not valid JSON` or `handler failed 5 times`. */
export const DEAD_LETTER_REASON_HEADER = 'x-warren-dead-letter-reason';
/** Header on a dead-lettered copy naming the queue it was consumed from (several queues may share a dead-letter queue). */
export const DEAD_LETTER_QUEUE_HEADER = 'x-warren-dead-letter-queue';

export interface DeadLetterOptions {
  readonly queue: string;
  readonly target: DeadLetterTarget;
  readonly confirmTimeoutMs: number;
}

/** Publishes a copy of a delivery to its queue's dead-letter exchange; resolves once the broker confirmed it, or why not. */
export type DeadLetterer = (delivery: ConsumeMessage, reason: string) => Promise<LinkOutcome>;

/**
 * Dead-letters on `link` by publishing a copy, with the reason in a header,
 * to the queue's dead-letter exchange: `nack(requeue=false)` would say nothing
 * of why, and would drop the message where the queue had no dead-letter
 * exchange. The copy is mandatory, so an exchange that routes it nowhere fails
 * it (`unroutable`) instead of confirming a message no queue holds.
 *
 * @example
 * const deadLetter = createDeadLetterer(link, { queue: 'tasks', target: { exchange: 'warren.dead-letter' }, confirmTimeoutMs: 10_000 });
 * if ((await deadLetter(delivery, 'body is not valid JSON')).ok) link.channel.ack(delivery);
 */
export function createDeadLetterer(link: AmqpLink, options: DeadLetterOptions): DeadLetterer {
  return (delivery, reason) => {
    const headers = {
      ...delivery.properties.headers,
      [DEAD_LETTER_REASON_HEADER]: reason,
      [DEAD_LETTER_QUEUE_HEADER]: options.queue,
    };
    // A copy must not expire from the dead-letter queue, as RabbitMQ's own dead-lettering drops it too.
    const { expiration: _expiration, ...copy } = copyOptions(delivery, headers);
    const message = {
      exchange: options.target.exchange,
      routingKey: options.target.routingKey ?? delivery.fields.routingKey,
      content: delivery.content,
      options: { ...copy, mandatory: true },
    };
    return publishOne(link, message, options.confirmTimeoutMs);
  };
}
