import { describe, expect, inject, it } from 'vitest';
import { withChannel } from '../support/amqp.js';

const fleet = inject('fleet');
const queues = ['tasks', 'events.all', 'warren.dead-letter'];

async function depths(): Promise<number[]> {
  const all: number[] = [];
  for (const broker of fleet.brokers) {
    await withChannel(broker.local?.url ?? '', async (channel) => {
      for (const queue of queues) all.push((await channel.checkQueue(queue)).messageCount);
    });
  }
  return all;
}

const json = (value: unknown) => ({
  'content-type': 'application/json',
  body: JSON.stringify(value),
});
const message = { id: 'm1', body: { ok: true } };
const big = 'x'.repeat(256 * 1024);

/** At least 50 kinds of malformed request: each must get a 4xx JSON error and publish nothing. */
const malformed: [string, { method?: string; 'content-type'?: string; body?: string }][] = [
  ['GET instead of POST', { method: 'GET' }],
  ['PUT', { method: 'PUT', ...json({ queue: 'tasks', messages: [message] }) }],
  ['DELETE', { method: 'DELETE' }],
  ['PATCH', { method: 'PATCH', ...json({ queue: 'tasks', messages: [message] }) }],
  ['no content type', { body: JSON.stringify({ queue: 'tasks', messages: [message] }) }],
  [
    'text/plain',
    { 'content-type': 'text/plain', body: JSON.stringify({ queue: 'tasks', messages: [message] }) },
  ],
  ['form encoded', { 'content-type': 'application/x-www-form-urlencoded', body: 'queue=tasks' }],
  ['XML', { 'content-type': 'application/xml', body: '<publish/>' }],
  ['empty body', { 'content-type': 'application/json', body: '' }],
  ['truncated JSON', { 'content-type': 'application/json', body: '{"queue":"tasks","messages":[' }],
  [
    'trailing garbage',
    { 'content-type': 'application/json', body: '{"queue":"tasks","messages":[]}x' },
  ],
  ['single quotes', { 'content-type': 'application/json', body: "{'queue':'tasks'}" }],
  ['a bare string', json('tasks')],
  ['a number', json(42)],
  ['null', json(null)],
  ['an array', json([{ queue: 'tasks', messages: [message] }])],
  ['an empty object', json({})],
  ['no destination', json({ messages: [message] })],
  ['both queue and exchange', json({ queue: 'tasks', exchange: 'events', messages: [message] })],
  ['routingKey with a queue', json({ queue: 'tasks', routingKey: 'a', messages: [message] })],
  ['queue as a number', json({ queue: 7, messages: [message] })],
  ['empty queue name', json({ queue: '', messages: [message] })],
  ['unknown queue', json({ queue: 'nope', messages: [message] })],
  ['unknown exchange', json({ exchange: 'nope', routingKey: 'a', messages: [message] })],
  ['the probe queue', json({ queue: 'warren.probe', messages: [message] })],
  ['the dead-letter queue', json({ queue: 'warren.dead-letter', messages: [message] })],
  [
    'the dead-letter exchange',
    json({ exchange: 'warren.dead-letter', routingKey: '', messages: [message] }),
  ],
  ['a built-in exchange', json({ exchange: 'amq.topic', routingKey: 'a', messages: [message] })],
  ['routing key as an array', json({ exchange: 'events', routingKey: ['a'], messages: [message] })],
  [
    'routing key too long',
    json({ exchange: 'events', routingKey: 'k'.repeat(256), messages: [message] }),
  ],
  ['no messages field', json({ queue: 'tasks' })],
  ['messages not an array', json({ queue: 'tasks', messages: message })],
  ['empty batch', json({ queue: 'tasks', messages: [] })],
  ['a message that is a string', json({ queue: 'tasks', messages: ['hello'] })],
  ['a message that is null', json({ queue: 'tasks', messages: [null] })],
  ['a message without a body', json({ queue: 'tasks', messages: [{ id: 'm1' }] })],
  ['an unknown message field', json({ queue: 'tasks', messages: [{ ...message, priority: 9 }] })],
  ['an unknown top-level field', json({ queue: 'tasks', messages: [message], mode: 'fast' })],
  ['an empty id', json({ queue: 'tasks', messages: [{ id: '', body: 1 }] })],
  ['an id with spaces', json({ queue: 'tasks', messages: [{ id: 'a b', body: 1 }] })],
  ['an id too long', json({ queue: 'tasks', messages: [{ id: 'i'.repeat(129), body: 1 }] })],
  ['a numeric id', json({ queue: 'tasks', messages: [{ id: 5, body: 1 }] })],
  ['duplicate ids', json({ queue: 'tasks', messages: [message, message] })],
  ['headers as an array', json({ queue: 'tasks', messages: [{ body: 1, headers: ['a'] }] })],
  ['a numeric header value', json({ queue: 'tasks', messages: [{ body: 1, headers: { a: 1 } }] })],
  [
    'a header name with a space',
    json({ queue: 'tasks', messages: [{ body: 1, headers: { 'a b': 'x' } }] }),
  ],
  [
    'a reserved x-death header',
    json({ queue: 'tasks', messages: [{ body: 1, headers: { 'x-death': 'x' } }] }),
  ],
  [
    'a reserved x-warren header',
    json({ queue: 'tasks', messages: [{ body: 1, headers: { 'x-warren-node': 'b1' } }] }),
  ],
  ['a CC header', json({ queue: 'tasks', messages: [{ body: 1, headers: { CC: 'elsewhere' } }] })],
  [
    'a header value too long',
    json({ queue: 'tasks', messages: [{ body: 1, headers: { a: 'v'.repeat(4097) } }] }),
  ],
  ['an empty key', json({ queue: 'tasks', messages: [{ body: 1, key: '' }] })],
  [
    'a key with a control character',
    json({ queue: 'tasks', messages: [{ body: 1, key: 'a\u0001b' }] }),
  ],
  ['a numeric key', json({ queue: 'tasks', messages: [{ body: 1, key: 7 }] })],
  ['a message over 256 KiB', json({ queue: 'tasks', messages: [{ body: big }] })],
  [
    '501 messages',
    json({ queue: 'tasks', messages: Array.from({ length: 501 }, (_, i) => ({ body: i })) }),
  ],
  [
    'a request over 5 MiB',
    json({
      queue: 'tasks',
      messages: Array.from({ length: 21 }, () => ({ body: big.slice(0, 250_000) })),
    }),
  ],
  ['one bad message among good ones', json({ queue: 'tasks', messages: [message, { id: 'm2' }] })],
];

describe('POST /v1/publish on the running fleet, fuzzed', () => {
  it(`answers ${malformed.length} kinds of malformed request with a 4xx JSON error, publishes nothing and stays up`, async () => {
    expect(malformed.length).toBeGreaterThanOrEqual(50);
    const before = await depths();
    const failures: string[] = [];

    for (const [name, request] of malformed) {
      const response = await fetch(`${fleet.apiUrl}/v1/publish`, {
        method: request.method ?? 'POST',
        headers: request['content-type'] ? { 'content-type': request['content-type'] } : {},
        ...(request.body !== undefined && { body: request.body }),
      });
      const text = await response.text();
      let body: { error?: { code?: unknown; message?: unknown } } = {};
      try {
        body = JSON.parse(text);
      } catch {
        // reported below
      }
      const wellFormed =
        response.status >= 400 &&
        response.status < 500 &&
        typeof body.error?.code === 'string' &&
        typeof body.error?.message === 'string' &&
        !/\bat .+:\d+:\d+/.test(text);
      if (!wellFormed) failures.push(`${name}: ${response.status} ${text.slice(0, 120)}`);
    }

    expect(failures).toEqual([]);
    expect(await depths()).toEqual(before);
    const healthz = await fetch(`${fleet.apiUrl}/healthz`);
    expect(healthz.status).toBe(200);
  });
});
