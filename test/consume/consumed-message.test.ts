import type { ConsumeMessage, MessageProperties } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../src/consume/consumed-message.js';

function delivery(content: Buffer, properties: Partial<MessageProperties> = {}): ConsumeMessage {
  return {
    content,
    fields: {
      deliveryTag: 7,
      redelivered: false,
      exchange: '',
      routingKey: 'tasks',
      consumerTag: 'ctag',
    },
    properties: { headers: {}, ...properties } as MessageProperties,
  };
}

const json = (text: string | Buffer, properties: Partial<MessageProperties> = {}) =>
  delivery(Buffer.isBuffer(text) ? text : Buffer.from(text), {
    contentType: 'application/json',
    messageId: 'm-1',
    ...properties,
  });

describe('decodeMessage', () => {
  it.each([
    ['seconds', 1_790_000_000, '2026-09-21T14:13:20.000Z'],
    ['the epoch', 0, '1970-01-01T00:00:00.000Z'],
    ['milliseconds (a foreign publisher)', 1_790_000_000_000, undefined],
    ['microseconds (a foreign publisher)', 1_790_000_000_000_000, undefined],
    ['a negative number', -1, undefined],
    ['a fraction', 1_790_000_000.5, undefined],
  ])(
    'reads a timestamp in %s (%d) as publishedAt %s, never throwing',
    (_, timestamp, publishedAt) => {
      const decoded = decodeMessage('b1', json('{"n":1}', { timestamp }));

      expect(decoded.kind).toBe('message');
      if (decoded.kind !== 'message') return;
      expect(decoded.message.publishedAt).toBe(publishedAt);
      expect(decoded.message.body).toEqual({ n: 1 });
    },
  );

  it.each([
    ['application/json', '{"n":1}', { n: 1 }],
    ['application/json; charset=utf-8', '[1,2]', [1, 2]],
    ['Application/JSON', '"x"', 'x'],
    ['text/plain', '{not json', '{not json'],
    [undefined, 'plain', 'plain'],
  ])('hands over a %s body as %j', (contentType, text, body) => {
    const decoded = decodeMessage('b1', delivery(Buffer.from(text), { contentType }));

    expect(decoded).toMatchObject({ kind: 'message', message: { body, node: 'b1' } });
  });

  it.each([
    ['not valid JSON', Buffer.from('{"n":'), 'body is not valid JSON'],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'body is not valid UTF-8'],
  ])('calls a JSON body that is %s undecodable, with the reason', (_, content, reason) => {
    expect(decodeMessage('b1', json(content))).toEqual({ kind: 'undecodable', reason });
  });

  it('keeps the messageId, the redelivery count and the headers', () => {
    const decoded = decodeMessage(
      'b2',
      json('{}', { headers: { 'x-warren-redeliveries': 2, tenant: 'a' } }),
    );

    expect(decoded).toMatchObject({
      kind: 'message',
      message: { id: 'm-1', hasMessageId: true, redeliveries: 2, headers: { tenant: 'a' } },
    });
  });

  it('makes up an id from the broker and delivery tag when there is no messageId', () => {
    const decoded = decodeMessage('b3', delivery(Buffer.from('x')));

    expect(decoded).toMatchObject({
      kind: 'message',
      message: { id: 'b3:7', hasMessageId: false },
    });
  });

  it('makes up an id for an empty messageId too: it names no message and cannot be a dedupe key', () => {
    const decoded = decodeMessage('b1', json('{}', { messageId: '' }));

    expect(decoded).toMatchObject({
      kind: 'message',
      message: { id: 'b1:7', hasMessageId: false },
    });
  });

  it.each([
    ['no header (a foreign client)', undefined, 1],
    ['2', 2, 2],
    ['3', 3, 3],
    ['1', 1, 1],
    ['"2" (a string)', '2', 2],
    ['"abc"', 'abc', 1],
    ['7 (more than 3)', 7, 1],
    ['0', 0, 1],
    ['-1', -1, 1],
    ['2.5', 2.5, 1],
    ['true', true, 1],
    ['a byte array', Buffer.from('2'), 1],
  ])('reads x-warren-replicas %s as %d copies', (_, value, replicas) => {
    const headers = value === undefined ? {} : { 'x-warren-replicas': value };
    const decoded = decodeMessage('b1', json('{}', { headers }));

    expect(decoded).toMatchObject({ kind: 'message', message: { replicas } });
  });
});
