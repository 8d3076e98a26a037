import type { ConsumeMessage } from 'amqplib';
import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { type AmqpLink, isLink, openLink, publishOne } from '../amqp/amqp-link.js';
import { detailOf, type LinkFailure, LinkFailureError } from '../amqp/link-failure.js';
import { copyOptions } from './confirmed-publish.js';
import { type ConsumedMessage, decodeMessage, REDELIVERIES_HEADER } from './consumed-message.js';
import { createDeadLetterer } from './dead-letter.js';
import type { DeadLetterTarget } from './dead-letter-target.js';
import { isNotFound, QueueNotFoundError } from './queue-not-found-error.js';

export interface AttachmentOptions {
  readonly node: { readonly id: string; readonly endpoint: string };
  readonly queue: string;
  /** Where the queue's dead letters go (from the topology). */
  readonly deadLetter: DeadLetterTarget;
  readonly credentials: AmqpCredentials;
  readonly prefetch: number;
  /** Handler failures a message may have before it is dead-lettered. */
  readonly redeliveryLimit: number;
  readonly connectTimeoutMs: number;
  /** For amqps:// endpoints: the CA certificate(s) trusted instead of Node's public roots. */
  readonly caCertPem?: string;
  /**
   * `hold` leaves the message unacknowledged until the attachment closes;
   * `requeue` hands it back uncounted, after a pause (another consumer is on it).
   */
  readonly handle: (message: ConsumedMessage) => Promise<'ack' | 'hold' | 'requeue'>;
  /** Called once when the connection or channel is lost (not on `detach`). */
  readonly onLost: (reason: string) => void;
  /** Called for each message sent to the dead-letter exchange, or that could not be (it went back to the queue). */
  readonly onDeadLetter?: (report: DeadLetterReport) => void;
}

export interface DeadLetterReport {
  readonly messageId?: string;
  readonly reason: string;
  /** Why the copy did not reach the dead-letter exchange; absent when it did. */
  readonly failure?: string;
}

/** A message going back to the queue waits this long first, so it does not spin. */
const REQUEUE_PAUSE_MS = 1_000;
/** Deadline for the broker's confirm of a copy (retry or dead letter); past it the original is requeued. */
const COPY_CONFIRM_TIMEOUT_MS = 10_000;

/** One broker's consumer: connection, channel, in-flight handlers. */
export interface Attachment {
  /** Stops taking messages, waits for in-flight handlers, closes. */
  detach(): Promise<void>;
}

/**
 * Attaches a consumer to one broker: manual acks after the handler resolves;
 * a failed handler's message goes back to the queue as a copy with its
 * redelivery count raised (classic queues count nothing themselves), until
 * the limit, then to the dead-letter exchange, as does a message that cannot
 * be decoded. Whatever fails after connecting closes the connection; a broker
 * without the queue rejects with QueueNotFoundError.
 */
export async function attach(options: AttachmentOptions): Promise<Attachment> {
  const { node, queue } = options;
  const link = await openLink(node.endpoint, {
    timeoutMs: options.connectTimeoutMs,
    connectionName: `warren consumer ${node.id} ${queue}`,
    credentials: options.credentials,
    caCertPem: options.caCertPem,
    // Consuming and acking go on through a resource alarm: they are what clears it.
    whenBlocked: 'wait',
  });
  if (!isLink(link)) throw new LinkFailureError(link);
  // A break before the attachment exists is the attach's own failure, not `onLost`.
  let attached = false;
  let detaching = false;
  let lost = false;
  let closing: Promise<void> | undefined;
  let close = () => link.close();
  const closeOnce = () => {
    closing ??= close();
    return closing;
  };
  const loseOnce = (reason: string) => {
    if (!attached || detaching || lost) return;
    lost = true;
    // A cancelled consumer can leave the connection open: close it here.
    void closeOnce();
    options.onLost(reason);
  };
  link.onBroken((failure) => loseOnce(detailOf(failure)));
  try {
    const { channel } = link;
    await channel.prefetch(options.prefetch);
    const deliveries = handleDeliveries(link, options, loseOnce);
    let consumerTag: string;
    try {
      ({ consumerTag } = await channel.consume(queue, deliveries.onMessage, { noAck: false }));
    } catch (error) {
      throw isNotFound(error) ? new QueueNotFoundError(queue, node.id, { cause: error }) : error;
    }
    if (link.broken !== undefined) throw new LinkFailureError(link.broken);
    attached = true;
    close = async () => {
      await channel.cancel(consumerTag).catch(() => undefined);
      await deliveries.idle();
      // The link closes the channel first: its close waits for the acks ahead of it.
      await link.close();
    };
  } catch (error) {
    await closeOnce();
    throw error;
  }
  return {
    async detach() {
      detaching = true;
      await closeOnce();
    },
  };
}

/** Settles every delivery: ack, hold, requeue, a counted retry copy, or a dead letter. */
function handleDeliveries(
  link: AmqpLink,
  options: AttachmentOptions,
  loseOnce: (reason: string) => void,
) {
  const { node, queue } = options;
  const { channel } = link;
  const deadLetter = createDeadLetterer(link, {
    queue,
    target: options.deadLetter,
    confirmTimeoutMs: COPY_CONFIRM_TIMEOUT_MS,
  });
  let inFlight = 0;
  const idlers: (() => void)[] = [];

  const deadLetterFailure = (failure: LinkFailure) =>
    failure.kind === 'unroutable'
      ? `dead-letter exchange "${options.deadLetter.exchange}" routed it to no queue`
      : detailOf(failure);

  const requeueAfterPause = async (delivery: ConsumeMessage) => {
    await new Promise((resolve) => setTimeout(resolve, REQUEUE_PAUSE_MS));
    channel.nack(delivery, false, true);
  };

  const toDeadLetter = async (delivery: ConsumeMessage, reason: string) => {
    const published = await deadLetter(delivery, reason);
    const messageId = delivery.properties.messageId as string | undefined;
    options.onDeadLetter?.({
      ...(typeof messageId === 'string' && { messageId }),
      reason,
      ...(!published.ok && { failure: deadLetterFailure(published.failure) }),
    });
    // Never lose it: a copy the broker did not confirm leaves the original on the queue.
    if (published.ok) channel.ack(delivery);
    else await requeueAfterPause(delivery);
  };

  const retry = async (delivery: ConsumeMessage, message: ConsumedMessage) => {
    const headers = {
      ...delivery.properties.headers,
      [REDELIVERIES_HEADER]: message.redeliveries + 1,
    };
    const published = await publishOne(
      link,
      {
        exchange: '',
        routingKey: queue,
        content: delivery.content,
        options: copyOptions(delivery, headers),
      },
      COPY_CONFIRM_TIMEOUT_MS,
    );
    // Could not hand the copy back: leave the original to RabbitMQ, uncounted, rather than lose it.
    if (published.ok) channel.ack(delivery);
    else channel.nack(delivery, false, true);
  };

  const settle = async (delivery: ConsumeMessage) => {
    const decoded = decodeMessage(node.id, delivery);
    if (decoded.kind === 'undecodable') return toDeadLetter(delivery, decoded.reason);
    const { message } = decoded;
    const verdict = await options.handle(message).catch(() => 'failed' as const);
    switch (verdict) {
      case 'ack':
        return channel.ack(delivery);
      case 'hold':
        return;
      case 'requeue':
        return requeueAfterPause(delivery);
      case 'failed': {
        const failures = message.redeliveries + 1;
        if (failures > options.redeliveryLimit)
          return toDeadLetter(delivery, `handler failed ${failures} times`);
        return retry(delivery, message);
      }
      default: {
        const unknown: never = verdict;
        throw new Error(`unknown verdict ${String(unknown)}`);
      }
    }
  };

  return {
    onMessage: (delivery: ConsumeMessage | null) => {
      if (delivery === null) return loseOnce('consumer cancelled by the broker');
      inFlight += 1;
      settle(delivery)
        .catch(() => {
          // The channel died mid-ack: the broker redelivers the message to the next consumer.
        })
        .finally(() => {
          inFlight -= 1;
          if (inFlight === 0) for (const idle of idlers.splice(0)) idle();
        });
    },
    /** Resolves once no handler is running. */
    idle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idlers.push(resolve)),
  };
}
