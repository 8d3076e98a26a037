import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type AmqpLink, isLink, type LinkOptions, openLink } from '../../src/amqp/amqp-link.js';
import type { LinkFailure } from '../../src/amqp/link-failure.js';
import type { LinkMessage } from '../../src/amqp/publish-confirmed.js';
import type { JsonMessage } from '../../src/amqp/publish-frames.js';
import { locateRabbitMq } from '../../src/fleet/rabbitmq-install.js';
import { rabbitmqctl } from '../../src/fleet/rabbitmqctl.js';
import { withChannel } from '../support/amqp.js';
import {
  isMethodFrame,
  type StallingProxy,
  startStallingProxy,
} from '../support/stalling-proxy.js';

const b1 = inject('fleet').brokers[0]?.local;
const brokerUrl = b1?.url ?? '';
const options: LinkOptions = { timeoutMs: 2_000, connectionName: 'warren link test' };

const opened: AmqpLink[] = [];
const proxies: StallingProxy[] = [];
const queues: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((link) => link.close()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  for (const queue of queues.splice(0))
    await withChannel(brokerUrl, (channel) => channel.deleteQueue(queue));
});

async function linkTo(url: string, extra: Partial<LinkOptions> = {}): Promise<AmqpLink> {
  const link = await openLink(url, { ...options, ...extra });
  if (!isLink(link)) throw new Error(`no link: ${JSON.stringify(link)}`);
  opened.push(link);
  return link;
}

async function proxied(): Promise<StallingProxy> {
  const proxy = await startStallingProxy(brokerUrl);
  proxies.push(proxy);
  return proxy;
}

/** A durable queue of the test's own, deleted afterwards. */
async function ownQueue(): Promise<string> {
  const queue = `link-test-${randomUUID().slice(0, 8)}`;
  await withChannel(brokerUrl, (channel) => channel.assertQueue(queue, { durable: true }));
  queues.push(queue);
  return queue;
}

const depthOf = (queue: string) =>
  withChannel(brokerUrl, async (channel) => (await channel.checkQueue(queue)).messageCount);

const toQueue = (queue: string, options: LinkMessage['options'] = {}): LinkMessage => ({
  exchange: '',
  routingKey: queue,
  content: Buffer.from(JSON.stringify({ to: queue, nonce: randomUUID() })),
  options: { persistent: true, ...options },
});

const jsonMessage = (id: string, body: unknown = { id, nonce: randomUUID() }): JsonMessage => ({
  id,
  content: Buffer.from(JSON.stringify(body)),
  headers: {},
  timestampSeconds: Math.floor(Date.now() / 1000),
});

describe('the AMQP link against a real broker', () => {
  it('fails a confirm the broker never sends within the deadline, not later', async () => {
    const proxy = await proxied();
    const link = await linkTo(proxy.url);
    const queue = await ownQueue();
    // The broker takes the message, but its Basic.Ack never reaches the link.
    proxy.stallAfterServerFrame(isMethodFrame(60, 80));
    expect(await link.publishConfirmed([toQueue(queue)], 1_000)).toEqual([{ ok: true }]);

    const started = performance.now();
    const outcomes = await link.publishConfirmed([toQueue(queue), toQueue(queue)], 400);
    const elapsedMs = performance.now() - started;

    expect(outcomes).toEqual([
      { ok: false, failure: { kind: 'timeout', afterMs: 400 } },
      { ok: false, failure: { kind: 'timeout', afterMs: 400 } },
    ]);
    expect(elapsedMs).toBeGreaterThanOrEqual(390);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('gives up opening within its timeout on a broker silent after the handshake', async () => {
    const proxy = await proxied();
    proxy.stallAfterHandshake();

    const started = performance.now();
    const link = await openLink(proxy.url, { ...options, timeoutMs: 700 });

    expect(link).toMatchObject({ kind: 'connect', cause: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('breaks exactly once when the broker goes away, settling the publish in flight as closed', async () => {
    const proxy = await proxied();
    const link = await linkTo(proxy.url);
    const queue = await ownQueue();
    const breaks: LinkFailure[] = [];
    link.onBroken((failure) => breaks.push(failure));
    proxy.stall();
    const inFlight = link.publishConfirmed([toQueue(queue)], 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Channel and connection both close: two events, one break.
    await proxy.close();
    const [outcome] = await inFlight;

    expect(outcome).toEqual({ ok: false, failure: { kind: 'closed', detail: 'channel closed' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(breaks).toEqual([{ kind: 'closed', detail: 'channel closed' }]);
    expect(link.broken).toEqual({ kind: 'closed', detail: 'channel closed' });
    // A handler registered after the break runs at once, and once.
    const late: LinkFailure[] = [];
    link.onBroken((failure) => late.push(failure));
    expect(late).toEqual([{ kind: 'closed', detail: 'channel closed' }]);
    expect(await link.publishConfirmed([toQueue(queue)], 1_000)).toEqual([
      { ok: false, failure: { kind: 'closed', detail: 'channel closed' } },
    ]);
  });

  it('does not call closing by its owner a break', async () => {
    const link = await linkTo(brokerUrl);
    const breaks: LinkFailure[] = [];
    link.onBroken((failure) => breaks.push(failure));

    await link.close();

    expect(breaks).toEqual([]);
    expect(link.broken).toMatchObject({ kind: 'closed' });
  });

  it('fails a mandatory message no queue takes as unroutable, and only that one, with or without ids', async () => {
    const link = await linkTo(brokerUrl);
    const queue = await ownQueue();
    const nowhere = `no-such-queue-${randomUUID().slice(0, 8)}`;

    const outcomes = await link.publishConfirmed(
      [
        toQueue(queue, { mandatory: true, messageId: 'twin' }),
        toQueue(nowhere, { mandatory: true, messageId: 'twin' }),
        toQueue(nowhere, { mandatory: true }),
        toQueue(queue, { mandatory: true }),
        // Not mandatory: the broker drops it and confirms, as AMQP says.
        toQueue(nowhere),
      ],
      2_000,
    );

    expect(outcomes).toEqual([
      { ok: true },
      { ok: false, failure: { kind: 'unroutable' } },
      { ok: false, failure: { kind: 'unroutable' } },
      { ok: true },
      { ok: true },
    ]);
    expect(await depthOf(queue)).toBe(2);
  });

  it('writes a batch of 100 messages to the socket in one call, and every one arrives', async () => {
    const link = await linkTo(brokerUrl);
    const queue = await ownQueue();
    // The socket's native handle: each write or writev on it is one system call.
    const socket = (
      link.connection as unknown as {
        connection: { stream: { _handle: Record<string, (...args: unknown[]) => unknown> } };
      }
    ).connection.stream;
    const handle = socket._handle;
    const calls: string[] = [];
    for (const name of ['writeBuffer', 'writev', 'writeUtf8String', 'writeLatin1String']) {
      const original = handle[name]?.bind(handle);
      if (!original) continue;
      handle[name] = (...args: unknown[]) => {
        calls.push(name);
        return original(...args);
      };
    }
    const messages = Array.from({ length: 100 }, (_, i) => jsonMessage(`batch-${i}`));

    const outcomes = await link.publishBatch({ exchange: '', routingKey: queue, messages }, 5_000);

    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(await depthOf(queue)).toBe(100);
    // One write for the frames; a heartbeat may add a write of its own.
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.length).toBeLessThanOrEqual(2);
  });

  it('keeps a batch behind the frames amqplib still holds for the channel, and each confirm with its publish', async () => {
    const link = await linkTo(brokerUrl);
    const queue = await ownQueue();
    const first = toQueue(queue, { messageId: 'through-amqplib' });
    const nowhere = `no-such-queue-${randomUUID().slice(0, 8)}`;

    // amqplib queues its encoding of these on the channel's stream, for a later turn of the
    // event loop; the batch, written in the same turn, must not reach the socket before them.
    const viaAmqplib = link.publishConfirmed(
      [first, toQueue(nowhere, { mandatory: true, messageId: 'returned' })],
      5_000,
    );
    const batch = link.publishBatch(
      {
        exchange: '',
        routingKey: queue,
        messages: [jsonMessage('batch-0'), jsonMessage('batch-1')],
      },
      5_000,
    );
    // And a batch on its own, with nothing queued: straight to the socket, after all of it.
    await batch;
    const last = await link.publishBatch(
      { exchange: '', routingKey: queue, messages: [jsonMessage('batch-2')] },
      5_000,
    );

    expect(await viaAmqplib).toEqual([
      { ok: true },
      { ok: false, failure: { kind: 'unroutable' } },
    ]);
    expect(await batch).toEqual([{ ok: true }, { ok: true }]);
    expect(last).toEqual([{ ok: true }]);
    const ids = await withChannel(brokerUrl, async (channel) => {
      const read: unknown[] = [];
      for (let i = 0; i < 4; i++) {
        const got = await channel.get(queue, { noAck: true });
        read.push(got === false ? undefined : got.properties.messageId);
      }
      return read;
    });
    expect(ids).toEqual(['through-amqplib', 'batch-0', 'batch-1', 'batch-2']);
  });

  it('delivers a batch as sent: bodies split over frames whole, headers, id, timestamp, persistent, JSON', async () => {
    const link = await linkTo(brokerUrl);
    const queue = await ownQueue();
    const big = jsonMessage('big', { text: 'é'.repeat(200_000) });
    const withHeaders = { ...jsonMessage('headed'), headers: { tenant: 'acme', trace: 'ab.cd' } };

    const outcomes = await link.publishBatch(
      { exchange: '', routingKey: queue, messages: [big, withHeaders] },
      5_000,
    );

    expect(outcomes).toEqual([{ ok: true }, { ok: true }]);
    const got = await withChannel(brokerUrl, async (channel) => [
      await channel.get(queue, { noAck: true }),
      await channel.get(queue, { noAck: true }),
    ]);
    const sent = new Map([big, withHeaders].map((message) => [message.id, message.content]));
    expect(
      got.map((m) => m !== false && sent.get(m.properties.messageId)?.equals(m.content)),
    ).toEqual([true, true]);
    expect(got.map((m) => (m === false ? undefined : m.properties))).toMatchObject([
      {
        messageId: 'big',
        contentType: 'application/json',
        deliveryMode: 2,
        timestamp: big.timestampSeconds,
        headers: {},
      },
      { messageId: 'headed', headers: { tenant: 'acme', trace: 'ab.cd' } },
    ]);
  });

  it('fails a batch no queue takes as unroutable, and publishes that are nacked as nacked', async () => {
    const link = await linkTo(brokerUrl);
    const nowhere = `no-such-queue-${randomUUID().slice(0, 8)}`;
    const full = `link-test-full-${randomUUID().slice(0, 8)}`;
    await withChannel(brokerUrl, (channel) =>
      channel.assertQueue(full, {
        durable: true,
        arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' },
      }),
    );
    queues.push(full);
    const messages = [jsonMessage('one'), jsonMessage('two'), jsonMessage('three')];

    const [unroutable, nacked] = await Promise.all([
      link.publishBatch({ exchange: '', routingKey: nowhere, messages }, 2_000),
      link.publishBatch({ exchange: '', routingKey: full, messages }, 2_000),
    ]);

    expect(unroutable).toEqual(
      messages.map(() => ({ ok: false, failure: { kind: 'unroutable' } })),
    );
    expect(nacked).toEqual([
      { ok: true },
      { ok: false, failure: { kind: 'nack' } },
      { ok: false, failure: { kind: 'nack' } },
    ]);
    expect(await depthOf(full)).toBe(1);
  });

  it('attempts nothing with a deadline of zero or less: no connection, no message written', async () => {
    const proxy = await proxied();
    for (const timeoutMs of [0, -5])
      expect(await openLink(proxy.url, { ...options, timeoutMs })).toMatchObject({
        kind: 'connect',
        cause: 'timeout',
      });
    expect(proxy.accepted).toBe(0);

    const link = await linkTo(brokerUrl);
    const queue = await ownQueue();
    for (const timeoutMs of [0, -1, Number.NaN])
      expect(await link.publishConfirmed([toQueue(queue)], timeoutMs)).toEqual([
        { ok: false, failure: { kind: 'timeout', afterMs: 0 } },
      ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await depthOf(queue)).toBe(0);
  });

  it('breaks on connection.blocked (a publisher fails over), or waits it out when told to (a consumer)', async () => {
    if (!b1) throw new Error('the harness has no local broker');
    const install = locateRabbitMq(process.env);
    const queue = await ownQueue();
    const publisher = await linkTo(brokerUrl);
    const consumer = await linkTo(brokerUrl, { whenBlocked: 'wait' });
    const breaks: LinkFailure[] = [];
    publisher.onBroken((failure) => breaks.push(failure));
    consumer.onBroken((failure) => breaks.push(failure));
    await rabbitmqctl(install, b1, ['set_vm_memory_high_watermark', '0.000001']);
    try {
      const [blocked, waited] = await Promise.all([
        publisher.publishConfirmed([toQueue(queue)], 3_000),
        consumer.publishConfirmed([toQueue(queue)], 1_000),
      ]);

      expect(blocked).toEqual([
        { ok: false, failure: { kind: 'blocked', detail: expect.any(String) } },
      ]);
      expect(waited).toEqual([{ ok: false, failure: { kind: 'timeout', afterMs: 1_000 } }]);
      expect(breaks).toEqual([{ kind: 'blocked', detail: expect.any(String) }]);
      expect(consumer.broken).toBeUndefined();

      // The alarmed broker never answers the close: the link destroys the socket,
      // and amqplib's heartbeat timers (an internal) must stop with it, not run on.
      const { heartbeater } = (
        publisher.connection as unknown as {
          connection: { heartbeater?: { sendTimer: unknown; recvTimer: unknown } };
        }
      ).connection;
      await publisher.close();
      await new Promise((settled) => setImmediate(settled)); // the socket's 'error' comes a tick later
      const stopped = (timer: unknown) => (timer as { _destroyed?: boolean })._destroyed;
      expect(
        heartbeater && [stopped(heartbeater.sendTimer), stopped(heartbeater.recvTimer)],
      ).toEqual([true, true]);
    } finally {
      await rabbitmqctl(install, b1, ['set_vm_memory_high_watermark', '0.4']);
    }
  });
});
