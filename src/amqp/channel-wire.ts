import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';

/**
 * What the link needs of a confirm channel beyond amqplib's public API: its
 * number and frame size, a way to queue ready-made frames, and a publish
 * without ConfirmChannel's per-message callback. Every reach into amqplib's
 * internals is here, checked once when the channel opens, so an amqplib
 * release that moves them fails `openLink` loudly instead of misbehaving.
 */
export interface ChannelWire {
  /** The channel number frames are addressed to. */
  readonly channel: number;
  /** The largest frame the broker accepts (negotiated at connection open). */
  readonly frameMax: number;
  /**
   * Sends whole frames in order with the frames amqplib writes for the
   * channel: straight to the socket when amqplib has none of the channel's
   * frames queued, else after them on the channel's outgoing stream, which
   * amqplib's muxer writes to the socket on a later turn of the event loop.
   */
  write(frames: Buffer): void;
  /** `Channel#publish`: encodes and queues one message, throwing as amqplib does; tracks no confirm. */
  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): void;
}

interface ChannelStream {
  write(chunk: Buffer): boolean;
  readonly readableLength: number;
  readonly writableLength: number;
}

interface ConnectionInternals {
  readonly frameMax: number;
  readonly channels: ({ readonly buffer: ChannelStream } | null)[];
  /** Writes to the socket at once, and counts as sent for the heartbeat. */
  sendBytes(bytes: Buffer): void;
}

type PlainPublish = (
  this: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
) => boolean;

/**
 * Takes over confirm tracking from amqplib: removes ConfirmChannel's own
 * `ack`/`nack` listeners (which settle a callback queued per publish) and
 * publishes through the plain `Channel#publish` it overrides, which queues
 * none. The caller must then listen to `ack`, `nack` and `return` itself.
 *
 * @example const wire = channelWire(connection, channel); wire.write(encodeJsonBatch(wire, '', 'tasks', messages).bytes);
 */
export function channelWire(model: ChannelModel, channel: ConfirmChannel): ChannelWire {
  const connection = (model as unknown as { connection?: ConnectionInternals }).connection;
  const number = (channel as unknown as { ch?: unknown }).ch;
  // ConfirmChannel's prototype's prototype is amqplib's plain Channel.
  const plainPublish = (
    Object.getPrototypeOf(Object.getPrototypeOf(channel)) as { publish?: PlainPublish } | null
  )?.publish;
  if (
    typeof number !== 'number' ||
    typeof connection?.frameMax !== 'number' ||
    !Array.isArray(connection.channels) ||
    typeof connection.channels[number]?.buffer?.write !== 'function' ||
    typeof connection.channels[number]?.buffer?.readableLength !== 'number' ||
    typeof connection.channels[number]?.buffer?.writableLength !== 'number' ||
    typeof connection.sendBytes !== 'function' ||
    typeof plainPublish !== 'function' ||
    plainPublish === channel.publish
  )
    throw new Error('amqplib internals changed: the link cannot write frames (channel-wire.ts)');
  channel.removeAllListeners('ack');
  channel.removeAllListeners('nack');
  return {
    channel: number,
    frameMax: connection.frameMax,
    write(frames) {
      const slot = connection.channels[number];
      if (!slot) throw new Error('channel closed');
      // The muxer's turn costs a stream write and read and a wait for the event
      // loop's check phase (publishing batches of 100 in process: 11.5 against
      // 10.0 µs of CPU a message, BENCHMARKS.md); nothing queued means nothing
      // to keep order with.
      if (slot.buffer.readableLength === 0 && slot.buffer.writableLength === 0)
        connection.sendBytes(frames);
      else slot.buffer.write(frames);
    },
    publish(exchange, routingKey, content, options) {
      plainPublish.call(channel, exchange, routingKey, content, options);
    },
  };
}
