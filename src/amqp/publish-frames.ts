/**
 * A message as warren's publisher sends it: a JSON body, persistent and
 * mandatory, with its id, the time it was accepted for sending and string
 * headers.
 */
export interface JsonMessage {
  readonly id: string;
  /** The body's JSON as UTF-8: copied once, into the batch's frames. */
  readonly content: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestampSeconds: number;
}

/** A batch's frames, and the messages left out of them because they cannot be encoded. */
export interface EncodedBatch {
  /** `basic.publish`, content header and body frames of every encodable message, in order. */
  readonly bytes: Buffer;
  /** How many messages `bytes` holds: the delivery tags the batch takes. */
  readonly encoded: number;
  /** By message index, why it was left out; undefined when none was. */
  readonly refused: ReadonlyMap<number, string> | undefined;
}

const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const FRAME_END = 0xce;
/** Type, channel and size before a frame's payload, and its end octet after. */
const FRAME_OVERHEAD = 8;
const BASIC_CLASS = 60;
const BASIC_PUBLISH = 40;
const MANDATORY = 1;
const PERSISTENT = 2;
const SHORTSTR_MAX = 255;
// Property flags, in the order AMQP 0-9-1 writes the properties (basic class).
const CONTENT_TYPE_FLAG = 1 << 15;
const HEADERS_FLAG = 1 << 13;
const DELIVERY_MODE_FLAG = 1 << 12;
const MESSAGE_ID_FLAG = 1 << 7;
const TIMESTAMP_FLAG = 1 << 6;
const CONTENT_TYPE = Buffer.from('application/json');
/** Class, weight, body size, flags; content type; table length; delivery mode; id length; timestamp. */
const HEADER_FIXED_BYTES = 2 + 2 + 8 + 2 + (1 + CONTENT_TYPE.length) + 4 + 1 + 1 + 8;
// amqplib always sends a headers table, empty or not, and consumers read `properties.headers` as an object.
const FLAGS =
  CONTENT_TYPE_FLAG | HEADERS_FLAG | DELIVERY_MODE_FLAG | MESSAGE_ID_FLAG | TIMESTAMP_FLAG;
/** A header's name length and value type octets and its value's length word. */
const HEADER_ENTRY_OVERHEAD = 1 + 1 + 4;

/**
 * Encodes a batch of JSON messages for one destination as AMQP 0-9-1 frames
 * on `channel`, into one buffer: the `basic.publish` frame is encoded once and
 * copied per message, each body is copied once, straight into its frames
 * (split at `frameMax`), and the batch leaves in one write. amqplib encodes
 * every message through its general codec into buffers of their own, copies
 * each body twice and queues the pieces one by one: for a batch of 100 JSON
 * messages that cost several times the encoding here (BENCHMARKS.md, issue 14).
 * Properties are those of `amqplib`'s `publish` with `persistent`,
 * `mandatory`, `messageId`, `timestamp`, `contentType: 'application/json'`
 * and string `headers` (sent as long strings, as amqplib sends strings).
 *
 * @example const { bytes, encoded } = encodeJsonBatch({ channel: 1, frameMax: 131_072 }, '', 'tasks', messages);
 */
export function encodeJsonBatch(
  wire: { readonly channel: number; readonly frameMax: number },
  exchange: string,
  routingKey: string,
  messages: readonly JsonMessage[],
): EncodedBatch {
  const method = publishMethodFrame(wire.channel, exchange, routingKey);
  const maxBody = wire.frameMax - FRAME_OVERHEAD;
  const sizes = new Int32Array(messages.length);
  let refused: Map<number, string> | undefined;
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const headerBytes = headerPayloadBytes(messages[i] as JsonMessage);
    const problem =
      typeof headerBytes === 'string'
        ? headerBytes
        : headerBytes + FRAME_OVERHEAD > wire.frameMax
          ? `its properties take ${headerBytes} bytes, over the broker's frame size ${wire.frameMax}`
          : undefined;
    if (problem !== undefined) {
      refused ??= new Map();
      refused.set(i, problem);
      continue;
    }
    sizes[i] = headerBytes as number;
    const length = (messages[i] as JsonMessage).content.length;
    total += method.length + FRAME_OVERHEAD + (headerBytes as number);
    total += length + FRAME_OVERHEAD * Math.ceil(length / maxBody);
  }
  const bytes = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = 0; i < messages.length; i++) {
    if (refused?.has(i)) continue;
    const message = messages[i] as JsonMessage;
    offset += method.copy(bytes, offset);
    offset = writeHeaderFrame(bytes, offset, wire.channel, message, sizes[i] as number);
    offset = writeBodyFrames(bytes, offset, wire.channel, message.content, maxBody);
  }
  return { bytes, encoded: messages.length - (refused?.size ?? 0), refused };
}

function publishMethodFrame(channel: number, exchange: string, routingKey: string): Buffer {
  const exchangeBytes = Buffer.byteLength(exchange);
  const routingKeyBytes = Buffer.byteLength(routingKey);
  if (exchangeBytes > SHORTSTR_MAX || routingKeyBytes > SHORTSTR_MAX)
    throw new RangeError('exchange and routing key are at most 255 bytes');
  const payload = 2 + 2 + 2 + 1 + exchangeBytes + 1 + routingKeyBytes + 1;
  const frame = Buffer.allocUnsafe(FRAME_OVERHEAD + payload);
  let offset = frameStart(frame, 0, FRAME_METHOD, channel, payload);
  offset = frame.writeUInt16BE(BASIC_CLASS, offset);
  offset = frame.writeUInt16BE(BASIC_PUBLISH, offset);
  offset = frame.writeUInt16BE(0, offset); // ticket, unused
  offset = writeShortString(frame, offset, exchange);
  offset = writeShortString(frame, offset, routingKey);
  offset = frame.writeUInt8(MANDATORY, offset);
  frame.writeUInt8(FRAME_END, offset);
  return frame;
}

/** The content header's payload size, or why the message cannot be sent. */
function headerPayloadBytes(message: JsonMessage): number | string {
  const idBytes = Buffer.byteLength(message.id);
  if (idBytes > SHORTSTR_MAX) return `its id is ${idBytes} bytes; at most ${SHORTSTR_MAX}`;
  let bytes = HEADER_FIXED_BYTES + idBytes;
  for (const name in message.headers) {
    const value: unknown = message.headers[name];
    if (typeof value !== 'string') return `header "${name}" is not a string`;
    const nameBytes = Buffer.byteLength(name);
    if (nameBytes > SHORTSTR_MAX) return `a header name is ${nameBytes} bytes; at most 255`;
    bytes += HEADER_ENTRY_OVERHEAD + nameBytes + Buffer.byteLength(value);
  }
  return bytes;
}

function writeHeaderFrame(
  bytes: Buffer,
  start: number,
  channel: number,
  message: JsonMessage,
  payload: number,
): number {
  let offset = frameStart(bytes, start, FRAME_HEADER, channel, payload);
  offset = bytes.writeUInt16BE(BASIC_CLASS, offset);
  offset = bytes.writeUInt16BE(0, offset); // weight, unused
  offset = writeUInt64(bytes, offset, message.content.length);
  offset = bytes.writeUInt16BE(FLAGS, offset);
  bytes[offset++] = CONTENT_TYPE.length;
  offset += CONTENT_TYPE.copy(bytes, offset);
  offset = writeHeaderTable(bytes, offset, message.headers);
  offset = bytes.writeUInt8(PERSISTENT, offset);
  offset = writeShortString(bytes, offset, message.id);
  offset = writeUInt64(bytes, offset, message.timestampSeconds);
  return bytes.writeUInt8(FRAME_END, offset);
}

/** The headers as an AMQP field table of long strings. */
function writeHeaderTable(
  bytes: Buffer,
  start: number,
  headers: Readonly<Record<string, string>>,
): number {
  let offset = start + 4;
  for (const name in headers) {
    offset = writeShortString(bytes, offset, name);
    bytes[offset++] = 0x53; // 'S', long string
    const value = headers[name] as string;
    const length = bytes.write(value, offset + 4);
    offset = bytes.writeUInt32BE(length, offset) + length;
  }
  bytes.writeUInt32BE(offset - start - 4, start);
  return offset;
}

function writeBodyFrames(
  bytes: Buffer,
  start: number,
  channel: number,
  content: Buffer,
  maxBody: number,
): number {
  let offset = start;
  for (let from = 0; from < content.length; from += maxBody) {
    const to = Math.min(from + maxBody, content.length);
    offset = frameStart(bytes, offset, FRAME_BODY, channel, to - from);
    offset += content.copy(bytes, offset, from, to);
    bytes[offset++] = FRAME_END;
  }
  return offset;
}

function frameStart(
  bytes: Buffer,
  offset: number,
  type: number,
  channel: number,
  payload: number,
): number {
  bytes[offset] = type;
  bytes.writeUInt16BE(channel, offset + 1);
  return bytes.writeUInt32BE(payload, offset + 3);
}

/** A short string whose byte length the caller checked (at most 255). */
function writeShortString(bytes: Buffer, offset: number, value: string): number {
  const length = bytes.write(value, offset + 1);
  bytes[offset] = length;
  return offset + 1 + length;
}

function writeUInt64(bytes: Buffer, offset: number, value: number): number {
  bytes.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset);
  return bytes.writeUInt32BE(value >>> 0, offset + 4);
}
