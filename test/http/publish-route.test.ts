import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import type { MessageResult, PublishMessage } from '../../src/publish/publisher.js';
import type { CachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { type PublishServiceParts, publishService } from '../../src/service/publish-service.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { withProbeQueue } from '../../src/topology/probe-queue.js';
import { recordingPublisher } from '../support/recording-publisher.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const topology = withProbeQueue(defaultTopology);
const unreadFleet: CachedFleetView = {
  read: () => Promise.reject(new Error('publishing does not read the fleet view here')),
  invalidate: () => undefined,
};
const valid = { queue: 'tasks', messages: [{ id: 'a', body: { n: 1 } }, { body: 2 }] };
const json = 'application/json';
const bytes = (text: string) => new TextEncoder().encode(text);

function setup(
  outcome?: (message: PublishMessage, index: number) => MessageResult,
  options: Partial<PublishServiceParts> = {},
) {
  const publisher = recordingPublisher(outcome);
  const internalErrors: unknown[] = [];
  const app = createApp(
    publishService({
      fleet: unreadFleet,
      probeIntervalMs: 1_000,
      publisher,
      topology,
      onInternalError: (error) => internalErrors.push(error),
      ...options,
    }),
  );
  const send = (init: RequestInit) => app.request('/v1/publish', { method: 'POST', ...init });
  const post = (body: unknown, contentType = json) =>
    send({ headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  return { app, publisher, internalErrors, send, post };
}

/** A body that arrives in chunks with no Content-Length, as with Transfer-Encoding: chunked. */
function streamed(totalBytes: number, chunkBytes = 64 * KIB): RequestInit {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const size = Math.min(chunkBytes, totalBytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { headers: { 'content-type': json }, body, duplex: 'half' } as RequestInit;
}

/** `valid` padded with trailing whitespace (which JSON allows) to exactly `size` bytes. */
const paddedTo = (size: number) => {
  const text = JSON.stringify(valid);
  return bytes(text + ' '.repeat(size - text.length));
};

describe('POST /v1/publish', () => {
  it('answers 200 with a result per message when every message is accepted', async () => {
    const { post, publisher } = setup();

    const response = await post(valid);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      results: [
        { id: 'a', status: 'accepted', node: 'b1' },
        { id: 'generated-1', status: 'accepted', node: 'b1' },
      ],
    });
    expect(publisher.calls).toEqual([
      {
        destination: { kind: 'queue', queue: 'tasks' },
        messages: [
          { id: 'a', body: { n: 1 }, bodyJson: '{"n":1}' },
          { body: 2, bodyJson: '2' },
        ],
        options: { deadlineMs: 5_000 },
      },
    ]);
  });

  it('answers 207 when some messages were accepted and some failed', async () => {
    const { post } = setup((message, index) =>
      index === 0
        ? { id: message.id ?? 'x', status: 'accepted', node: 'b2' }
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
        { id: 'a', status: 'accepted', node: 'b2' },
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

  it('accepts a body of exactly the request limit and refuses one byte more', async () => {
    const { send, publisher } = setup();
    const at = (size: number) =>
      send({
        headers: { 'content-type': json, 'content-length': String(size) },
        body: paddedTo(size),
      });

    expect((await at(5 * MIB)).status).toBe(200);
    expect((await at(5 * MIB + 1)).status).toBe(413);
    expect(publisher.calls).toHaveLength(1);
  });

  it('enforces configured limits', async () => {
    const limits = { maxMessages: 1, maxMessageBytes: KIB, maxRequestBytes: 4 * KIB };
    const { post, send } = setup(undefined, { limits });

    expect((await post(valid)).status).toBe(413);
    expect((await post({ queue: 'tasks', messages: [{ body: 'x'.repeat(2 * KIB) }] })).status).toBe(
      413,
    );
    expect(
      (await send({ headers: { 'content-type': json }, body: paddedTo(4 * KIB + 1) })).status,
    ).toBe(413);
  });

  it('hides a publisher failure behind a 500 internal_error and hands it to onInternalError', async () => {
    const { app, internalErrors } = setup();
    const broken = createApp(
      publishService({
        fleet: unreadFleet,
        probeIntervalMs: 1_000,
        topology,
        publisher: { publish: () => Promise.reject(new Error('secret detail at /srv/x.ts:12')) },
        onInternalError: (error) => internalErrors.push(error),
      }),
    );
    const init = { method: 'POST', headers: { 'content-type': json }, body: JSON.stringify(valid) };

    const response = await broken.request('/v1/publish', init);

    expect(response.status).toBe(500);
    expect(await response.text()).toBe(
      '{"error":{"code":"internal_error","message":"internal error"}}',
    );
    expect(internalErrors).toHaveLength(1);
    expect((await app.request('/v1/publish', init)).status).toBe(200);
  });

  it('answers 500 rather than a partial report when the publisher loses results', async () => {
    const { app } = setup();
    const lossy = createApp(
      publishService({
        fleet: unreadFleet,
        probeIntervalMs: 1_000,
        topology,
        publisher: { publish: async () => [] },
      }),
    );

    const response = await lossy.request('/v1/publish', {
      method: 'POST',
      headers: { 'content-type': json },
      body: JSON.stringify(valid),
    });

    expect(response.status).toBe(500);
    expect(app).toBeDefined();
  });

  const malformed: [name: string, init: RequestInit, status: number, code: string][] = [
    // Content type
    ['no content type', { body: bytes(JSON.stringify(valid)) }, 415, 'unsupported_media_type'],
    [
      'text/plain',
      { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(valid) },
      415,
      'unsupported_media_type',
    ],
    [
      'a form',
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'queue=tasks' },
      415,
      'unsupported_media_type',
    ],
    [
      'application/jsonp',
      { headers: { 'content-type': 'application/jsonp' }, body: JSON.stringify(valid) },
      415,
      'unsupported_media_type',
    ],
    [
      'a JSON suffix type',
      { headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify(valid) },
      415,
      'unsupported_media_type',
    ],
    [
      'multipart',
      { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' },
      415,
      'unsupported_media_type',
    ],
    // Not JSON
    ['no body', { headers: { 'content-type': json } }, 400, 'malformed_json'],
    ['an empty body', { headers: { 'content-type': json }, body: '' }, 400, 'malformed_json'],
    [
      'truncated JSON',
      { headers: { 'content-type': json }, body: '{"queue":"tasks","messages":[' },
      400,
      'malformed_json',
    ],
    [
      'single-quoted JSON',
      { headers: { 'content-type': json }, body: "{'queue':'tasks'}" },
      400,
      'malformed_json',
    ],
    [
      'trailing garbage',
      { headers: { 'content-type': json }, body: `${JSON.stringify(valid)} x` },
      400,
      'malformed_json',
    ],
    ['NaN', { headers: { 'content-type': json }, body: 'NaN' }, 400, 'malformed_json'],
    [
      'invalid UTF-8',
      {
        headers: { 'content-type': json },
        body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      },
      400,
      'malformed_json',
    ],
    // JSON, but not a publish request
    ['JSON null', { headers: { 'content-type': json }, body: 'null' }, 400, 'invalid_request'],
    [
      'a JSON array',
      { headers: { 'content-type': json }, body: JSON.stringify([valid]) },
      400,
      'invalid_request',
    ],
    [
      'an empty batch',
      { headers: { 'content-type': json }, body: '{"queue":"tasks","messages":[]}' },
      400,
      'invalid_request',
    ],
    [
      'a reserved header',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: [{ body: 1, headers: { 'x-death': '[]' } }],
        }),
      },
      400,
      'invalid_request',
    ],
    [
      'a sender-selected routing header',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: [{ body: 1, headers: { CC: 'warren.probe' } }],
        }),
      },
      400,
      'invalid_request',
    ],
    [
      'duplicate ids',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: [
            { id: 'a', body: 1 },
            { id: 'a', body: 2 },
          ],
        }),
      },
      400,
      'invalid_request',
    ],
    [
      'an unknown field',
      { headers: { 'content-type': json }, body: JSON.stringify({ ...valid, mandatory: true }) },
      400,
      'invalid_request',
    ],
    [
      'a __proto__ header',
      {
        headers: { 'content-type': json },
        body: '{"queue":"tasks","messages":[{"body":1,"headers":{"__proto__":"x"}}]}',
      },
      400,
      'invalid_request',
    ],
    [
      'a routing key with a queue',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ ...valid, routingKey: 'warren.probe' }),
      },
      400,
      'invalid_request',
    ],
    [
      'the default exchange',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ exchange: '', routingKey: 'warren.probe', messages: [{ body: 1 }] }),
      },
      400,
      'invalid_request',
    ],
    [
      'a deeply nested body',
      {
        headers: { 'content-type': json },
        body: `{"queue":"tasks","messages":[{"body":${'['.repeat(300_000)}${']'.repeat(300_000)}}]}`,
      },
      400,
      'invalid_request',
    ],
    // Destinations
    [
      'an undeclared queue',
      { headers: { 'content-type': json }, body: JSON.stringify({ ...valid, queue: 'orders' }) },
      404,
      'unknown_destination',
    ],
    [
      'the probe queue',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ ...valid, queue: 'warren.probe' }),
      },
      404,
      'unknown_destination',
    ],
    [
      'the dead-letter exchange',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ exchange: 'warren.dead-letter', messages: [{ body: 1 }] }),
      },
      404,
      'unknown_destination',
    ],
    [
      'a built-in exchange',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          exchange: 'amq.direct',
          routingKey: 'warren.probe',
          messages: [{ body: 1 }],
        }),
      },
      404,
      'unknown_destination',
    ],
    // Limits
    [
      '501 messages',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({
          queue: 'tasks',
          messages: Array.from({ length: 501 }, () => ({ body: 1 })),
        }),
      },
      413,
      'too_many_messages',
    ],
    [
      'a message over 256 KiB',
      {
        headers: { 'content-type': json },
        body: JSON.stringify({ queue: 'tasks', messages: [{ body: 'x'.repeat(256 * KIB) }] }),
      },
      413,
      'message_too_large',
    ],
    [
      'a body over 5 MiB',
      { headers: { 'content-type': json }, body: paddedTo(5 * MIB + 1) },
      413,
      'request_too_large',
    ],
    [
      'a 6 MiB body with a true Content-Length',
      {
        headers: { 'content-type': json, 'content-length': String(6 * MIB) },
        body: paddedTo(6 * MIB),
      },
      413,
      'request_too_large',
    ],
    [
      'a 6 MiB body under a Content-Length that claims 100 bytes',
      { headers: { 'content-type': json, 'content-length': '100' }, body: paddedTo(6 * MIB) },
      413,
      'request_too_large',
    ],
    [
      'a Content-Length over the limit, refused before the body is read',
      {
        headers: { 'content-type': json, 'content-length': String(50 * MIB) },
        body: JSON.stringify(valid),
      },
      413,
      'request_too_large',
    ],
    ['a 6 MiB streamed body without a Content-Length', streamed(6 * MIB), 413, 'request_too_large'],
    [
      'an oversized body with the wrong content type',
      {
        headers: { 'content-type': 'text/plain', 'content-length': String(6 * MIB) },
        body: paddedTo(6 * MIB),
      },
      413,
      'request_too_large',
    ],
    // Methods
    ['GET', { method: 'GET' }, 405, 'method_not_allowed'],
    [
      'PUT',
      { method: 'PUT', headers: { 'content-type': json }, body: JSON.stringify(valid) },
      405,
      'method_not_allowed',
    ],
    ['DELETE', { method: 'DELETE' }, 405, 'method_not_allowed'],
    [
      'PATCH',
      { method: 'PATCH', headers: { 'content-type': json }, body: JSON.stringify(valid) },
      405,
      'method_not_allowed',
    ],
    ['OPTIONS', { method: 'OPTIONS' }, 405, 'method_not_allowed'],
  ];

  it.each(malformed.map(([name, init, status, code]) => ({ name, init, status, code })))(
    'refuses $name with $status $code, never calling the publisher, and keeps serving',
    async ({ init, status, code }) => {
      const { send, post, publisher, internalErrors } = setup();

      const response = await send(init);
      const text = await response.text();

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } });
      expect(text).not.toMatch(/stack|\.ts:\d|node_modules|\n\s+at /);
      if (status === 405) expect(response.headers.get('allow')).toBe('POST');
      expect(publisher.calls).toEqual([]);
      expect(internalErrors).toEqual([]);
      expect((await post(valid)).status).toBe(200);
      expect(publisher.calls).toHaveLength(1);
    },
  );

  it('answers HEAD with 405 and Allow: POST', async () => {
    const { send, publisher } = setup();

    const response = await send({ method: 'HEAD' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(publisher.calls).toEqual([]);
  });
});
