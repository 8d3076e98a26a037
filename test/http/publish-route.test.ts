import { describe, expect, it } from 'vitest';
import { JsonBytes } from '../../src/json/json-bytes.js';
import type { MessageResult } from '../../src/publish/publisher.js';
import { setup, valid } from './publish-route-fixtures.js';

describe('POST /v1/publish', () => {
  it('answers 200 with a result per message when every message is accepted', async () => {
    const { post, publisher } = setup();

    const response = await post(valid);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      results: [
        { id: 'a', status: 'accepted', node: 'b1', nodes: ['b1'] },
        { id: 'generated-1', status: 'accepted', node: 'b1', nodes: ['b1'] },
      ],
    });
    expect(publisher.calls).toEqual([
      {
        destination: { kind: 'queue', queue: 'tasks' },
        messages: [
          { id: 'a', body: expect.any(JsonBytes), bodyBytes: Buffer.from('{"n":1}') },
          { body: expect.any(JsonBytes), bodyBytes: Buffer.from('2') },
        ],
        options: { deadlineMs: 5_000 },
      },
    ]);
  });

  it('answers 207 when some messages were accepted and some failed', async () => {
    const { post } = setup((message, index) =>
      index === 0
        ? { id: message.id ?? 'x', status: 'accepted', node: 'b2', nodes: ['b2'] }
        : {
            id: 'gen',
            status: 'failed',
            code: 'deadline',
            error: 'no broker confirmed within the deadline',
          },
    );

    const response = await post(valid);

    expect(response.status).toBe(207);
    expect(await response.json()).toEqual({
      results: [
        { id: 'a', status: 'accepted', node: 'b2', nodes: ['b2'] },
        {
          id: 'gen',
          status: 'failed',
          code: 'deadline',
          error: 'no broker confirmed within the deadline',
        },
      ],
    });
  });

  it('answers 503 with Retry-After when no message was accepted', async () => {
    const { post } = setup((message) => ({
      id: message.id ?? 'gen',
      status: 'failed',
      code: 'no_broker',
      error: 'no usable broker',
    }));

    const response = await post(valid);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      results: [
        { id: 'a', status: 'failed', code: 'no_broker', error: 'no usable broker' },
        { id: 'gen', status: 'failed', code: 'no_broker', error: 'no usable broker' },
      ],
    });
  });

  it('sends only the contract fields of each result, whatever else the publisher returns', async () => {
    const { post } = setup(
      (message) =>
        ({
          id: message.id ?? 'gen',
          status: 'failed',
          code: 'brokers_failed',
          error: 'nack',
          cause: new Error('amqp://warren:secret@10.0.1.5'),
          attempts: 3,
        }) as MessageResult,
    );

    const text = await (await post(valid)).text();

    expect(JSON.parse(text)).toEqual({
      results: [
        { id: 'a', status: 'failed', code: 'brokers_failed', error: 'nack' },
        { id: 'gen', status: 'failed', code: 'brokers_failed', error: 'nack' },
      ],
    });
    expect(text).not.toContain('secret');
  });

  it('publishes to an exchange with its routing key and the configured deadline', async () => {
    const { post, publisher } = setup(undefined, { deadlineMs: 1_234 });

    const response = await post({ exchange: 'events', routingKey: 'a.b', messages: [{ body: 1 }] });

    expect(response.status).toBe(200);
    expect(publisher.calls[0]).toMatchObject({
      destination: { kind: 'exchange', exchange: 'events', routingKey: 'a.b' },
      options: { deadlineMs: 1_234 },
    });
  });

  it.each([
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/json;charset=UTF-8',
  ])('accepts the content type %s', async (contentType) => {
    expect((await setup().post(valid, contentType)).status).toBe(200);
  });
});
