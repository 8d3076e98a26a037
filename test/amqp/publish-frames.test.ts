import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeJsonBatch, type JsonMessage } from '../../src/amqp/publish-frames.js';

// amqplib's own encoder, the reference: its internals are not exported, so they are loaded by path.
const require = createRequire(import.meta.url);
const amqplibDir = dirname(require.resolve('amqplib'));
const defs = require(join(amqplibDir, 'lib/defs.js'));
const args = require(join(amqplibDir, 'lib/api_args.js'));
const frame = require(join(amqplibDir, 'lib/frame.js'));

/** What amqplib's `Channel#publish` queues for the same message, frame by frame. */
function amqplibFrames(
  channel: number,
  frameMax: number,
  exchange: string,
  routingKey: string,
  message: JsonMessage,
): Buffer {
  const fields = args.publish(exchange, routingKey, {
    persistent: true,
    mandatory: true,
    messageId: message.id,
    timestamp: message.timestampSeconds,
    contentType: 'application/json',
    headers: message.headers,
  });
  const parts: Buffer[] = [
    defs.encodeMethod(defs.BasicPublish, channel, fields),
    defs.encodeProperties(defs.BasicProperties, channel, message.content.length, fields),
  ];
  const maxBody = frameMax - 8;
  for (let from = 0; from < message.content.length; from += maxBody)
    parts.push(frame.makeBodyFrame(channel, message.content.subarray(from, from + maxBody)));
  return Buffer.concat(parts);
}

const message = (overrides: Partial<JsonMessage> = {}): JsonMessage => ({
  id: '0190b6e2-7c1d-7a3b-9f00-5e8c2a1b4d6f',
  content: Buffer.from(JSON.stringify({ order: 42, items: ['a', 'b'] })),
  headers: {},
  timestampSeconds: 1_765_000_000,
  ...overrides,
});

describe('encodeJsonBatch', () => {
  it.each([
    ['a plain message to a queue', '', 'tasks', message(), 131_072],
    [
      'string headers',
      '',
      'tasks',
      message({ headers: { tenant: 'acme', 'x-trace': 'ab.cd' } }),
      131_072,
    ],
    ['an exchange and routing key', 'events', 'order.created', message(), 131_072],
    [
      'a non-ASCII id, header and body',
      '',
      'tâches',
      message({ id: 'commande-é', headers: { nom: 'Zoë ☃' }, content: Buffer.from('"ünïcödé ☃"') }),
      131_072,
    ],
    [
      'a body split over several frames',
      '',
      'tasks',
      message({ content: Buffer.from(JSON.stringify('x'.repeat(10_000))) }),
      4_096,
    ],
    [
      'a body exactly one frame long',
      '',
      'tasks',
      message({ content: Buffer.alloc(4_088, 0x31) }),
      4_096,
    ],
    ['an empty body (no body frame)', '', 'tasks', message({ content: Buffer.alloc(0) }), 4_096],
    [
      'a timestamp past 2^32 seconds',
      '',
      'tasks',
      message({ timestampSeconds: 2 ** 33 + 5 }),
      131_072,
    ],
  ])('writes what amqplib writes for %s', (_name, exchange, routingKey, msg, frameMax) => {
    const { bytes, encoded, refused } = encodeJsonBatch(
      { channel: 3, frameMax },
      exchange,
      routingKey,
      [msg],
    );
    expect(refused).toBeUndefined();
    expect(encoded).toBe(1);
    expect(bytes.equals(amqplibFrames(3, frameMax, exchange, routingKey, msg))).toBe(true);
  });

  it('writes a batch as the messages one after another, in order', () => {
    const batch = Array.from({ length: 5 }, (_, i) =>
      message({
        id: `m-${i}`,
        content: Buffer.from(`{"n":${i}}`),
        headers: i % 2 ? { k: `${i}` } : {},
      }),
    );
    const { bytes, encoded } = encodeJsonBatch(
      { channel: 1, frameMax: 131_072 },
      '',
      'tasks',
      batch,
    );
    expect(encoded).toBe(5);
    const expected = Buffer.concat(batch.map((m) => amqplibFrames(1, 131_072, '', 'tasks', m)));
    expect(bytes.equals(expected)).toBe(true);
  });

  it.each([
    ['an id over 255 bytes', message({ id: 'é'.repeat(128) }), /id is 256 bytes/],
    [
      'a header name over 255 bytes',
      message({ headers: { ['h'.repeat(256)]: 'v' } }),
      /header name is 256 bytes/,
    ],
    [
      'headers larger than a frame',
      message({ headers: { big: 'v'.repeat(5_000) } }),
      /over the broker's frame size 4096/,
    ],
    [
      'a header value that is not a string',
      message({ headers: { n: 7 as unknown as string } }),
      /"n" is not a string/,
    ],
  ])('leaves out %s and says why, encoding the rest', (_name, bad, why) => {
    const good = message({ id: 'good' });
    const { bytes, encoded, refused } = encodeJsonBatch(
      { channel: 1, frameMax: 4_096 },
      '',
      'tasks',
      [good, bad, good],
    );
    expect(encoded).toBe(2);
    expect([...(refused?.keys() ?? [])]).toEqual([1]);
    expect(refused?.get(1)).toMatch(why);
    const one = amqplibFrames(1, 4_096, '', 'tasks', good);
    expect(bytes.equals(Buffer.concat([one, one]))).toBe(true);
  });

  it('refuses an exchange or routing key over 255 bytes for the whole batch', () => {
    expect(() =>
      encodeJsonBatch({ channel: 1, frameMax: 4_096 }, '', 'q'.repeat(256), [message()]),
    ).toThrow(RangeError);
  });
});
