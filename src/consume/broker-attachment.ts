import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { connectAmqp } from '../amqp/connect-amqp.js';
import { withCredentials } from '../core/amqp-endpoint.js';
import { type ConsumedMessage, decodeMessage, REDELIVERIES_HEADER } from './consumed-message.js';

export interface AttachmentOptions {
  readonly node: { readonly id: string; readonly endpoint: string };
  readonly queue: string;
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
}

/** A message another consumer is processing waits this long before going back, so it does not spin. */
const REQUEUE_PAUSE_MS = 1_000;

/** One broker's consumer: connection, channel, in-flight handlers. */
export interface Attachment {
  /** Stops taking messages, waits for in-flight handlers, closes. */
  detach(): Promise<void>;
}

/**
 * Attaches a consumer to one broker: manual acks after the handler resolves;
 * a failed handler's message goes back to the queue as a copy with its
 * redelivery count raised (classic queues count nothing themselves), until
 * the limit, then to the dead-letter exchange.
 */
export async function attach(options: AttachmentOptions): Promise<Attachment> {
  const { node, queue } = options;
  const url = withCredentials(
    node.endpoint,
    options.credentials.username,
    options.credentials.password,
  );
  const connection: ChannelModel = await connectAmqp(url, {
    timeoutMs: options.connectTimeoutMs,
    connectionName: `warren consumer ${node.id} ${queue}`,
    ...(options.caCertPem !== undefined && { caCertPem: options.caCertPem }),
  });
  let detaching = false;
  let lost = false;
  const loseOnce = (reason: string) => {
    if (detaching || lost) return;
    lost = true;
    options.onLost(reason);
  };
  connection.on('close', () => loseOnce('connection closed'));
  let channel: ConfirmChannel;
  try {
    channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => loseOnce('channel closed'));
    await channel.prefetch(options.prefetch);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }

  let inFlight = 0;
  let idle: (() => void) | undefined;
  const onMessage = async (delivery: ConsumeMessage | null) => {
    if (delivery === null) return loseOnce('consumer cancelled by the broker');
    inFlight += 1;
    try {
      const message = decodeMessage(node.id, delivery);
      const verdict = await options.handle(message).catch(() => 'failed' as const);
      if (verdict === 'ack') channel.ack(delivery);
      else if (verdict === 'requeue') {
        await new Promise((resolve) => setTimeout(resolve, REQUEUE_PAUSE_MS));
        channel.nack(delivery, false, true);
      } else if (verdict === 'failed') {
        await retryOrDeadLetter(channel, queue, delivery, message, options.redeliveryLimit);
      }
    } catch {
      // The channel died mid-ack: the broker redelivers the message to the next consumer.
    } finally {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    }
  };
  const { consumerTag } = await channel.consume(queue, (delivery) => void onMessage(delivery), {
    noAck: false,
  });

  return {
    async detach() {
      detaching = true;
      await channel.cancel(consumerTag).catch(() => undefined);
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      // Channel first: its close waits for the acks ahead of it; closing only the
      // connection can overtake acks still queued on the channel.
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}

async function retryOrDeadLetter(
  channel: ConfirmChannel,
  queue: string,
  delivery: ConsumeMessage,
  message: ConsumedMessage,
  redeliveryLimit: number,
): Promise<void> {
  if (message.redeliveries + 1 > redeliveryLimit) {
    channel.nack(delivery, false, false); // to the queue's dead-letter exchange
    return;
  }
  const headers = {
    ...delivery.properties.headers,
    [REDELIVERIES_HEADER]: message.redeliveries + 1,
  };
  try {
    await new Promise<void>((resolve, reject) =>
      channel.sendToQueue(
        queue,
        delivery.content,
        { ...delivery.properties, headers, persistent: true },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    channel.ack(delivery);
  } catch {
    // Could not hand the copy back: leave the original to RabbitMQ, uncounted, rather than lose it.
    channel.nack(delivery, false, true);
  }
}
