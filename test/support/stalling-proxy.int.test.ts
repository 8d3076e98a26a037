import { setTimeout as sleep } from 'node:timers/promises';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { AmqpConnectError, connectAmqp } from '../../src/amqp/connect-amqp.js';
import { eventually } from './eventually.js';
import {
  AmqpFrameScanner,
  isMethodFrame,
  type StallingProxy,
  startStallingProxy,
} from './stalling-proxy.js';

const brokerUrl = inject('fleet').brokers[0]?.local?.url ?? '';
const silenceMs = 1_000;

/** Marks `promise` handled (a stalled call may reject at teardown) and returns it. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** What `promise` gave within `ms`, or 'pending'. */
const within = <T>(promise: Promise<T>, ms = silenceMs): Promise<T | 'pending'> =>
  Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);

const open = (url: string, timeoutMs = 5_000) =>
  connectAmqp(url, { timeoutMs, connectionName: 'warren stalling-proxy test' });

/** A confirm channel and an exclusive queue, gone with the connection. */
async function confirmChannel(connection: ChannelModel) {
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  const { queue } = await channel.assertQueue('', { exclusive: true });
  return { channel, queue };
}

const publish = (channel: ConfirmChannel, queue: string) =>
  handled(
    new Promise<'confirmed'>((resolve, reject) => {
      channel.sendToQueue(queue, Buffer.from('x'), {}, (error) =>
        error ? reject(error) : resolve('confirmed'),
      );
    }),
  );

describe('startStallingProxy in front of a real broker', () => {
  let proxy: StallingProxy;
  const opened: ChannelModel[] = [];
  beforeEach(async () => {
    proxy = await startStallingProxy(brokerUrl);
  });
  afterEach(async () => {
    for (const connection of opened.splice(0)) await connection.close().catch(() => undefined);
    await proxy.close();
  });
  const openThrough = async (timeoutMs?: number) => {
    const connection = await open(proxy.url, timeoutMs);
    opened.push(connection);
    return connection;
  };

  it('forwards a connection: connect, confirm channel, a confirmed publish', async () => {
    const { channel, queue } = await confirmChannel(await openThrough());
    await expect(publish(channel, queue)).resolves.toBe('confirmed');
    expect(proxy.url).toMatch(new RegExp(`^amqp://guest:guest@127\\.0\\.0\\.1:${proxy.port}`));
    expect([proxy.connections, proxy.accepted]).toEqual([1, 1]);
  });

  it('after stall() a confirm does not come within 1 s; after resume() it does', async () => {
    const { channel, queue } = await confirmChannel(await openThrough());
    proxy.stall();
    const confirm = publish(channel, queue);
    expect(await within(confirm)).toBe('pending');
    proxy.resume();
    await expect(confirm).resolves.toBe('confirmed');
    await expect(publish(channel, queue)).resolves.toBe('confirmed');
  });

  it('a proxy stalled from the start accepts TCP and says nothing: connect times out', async () => {
    proxy.stall();
    await expect(connect(proxy.url, { timeout: silenceMs })).rejects.toThrow(/ETIMEDOUT/);
    const attempt = open(proxy.url, silenceMs);
    await expect(attempt).rejects.toBeInstanceOf(AmqpConnectError);
    await expect(attempt).rejects.toMatchObject({ timedOut: true });
    expect(proxy.accepted).toBe(2);

    proxy.resume();
    const { channel, queue } = await confirmChannel(await openThrough());
    await expect(publish(channel, queue)).resolves.toBe('confirmed');
  });

  it('stallAfterHandshake: connect succeeds, createConfirmChannel does not complete within 1 s', async () => {
    proxy.stallAfterHandshake();
    const connection = await openThrough(silenceMs);
    const channel = handled(connection.createConfirmChannel());
    expect(await within(channel)).toBe('pending');

    proxy.resume();
    const ready = await channel;
    const { queue } = await ready.assertQueue('', { exclusive: true });
    await expect(publish(ready, queue)).resolves.toBe('confirmed');
  });

  it('stallAfterServerFrame(Basic.Ack): the broker stops confirming mid-publish', async () => {
    const { channel, queue } = await confirmChannel(await openThrough());
    proxy.stallAfterServerFrame(isMethodFrame(60, 80));
    await expect(publish(channel, queue)).resolves.toBe('confirmed');
    const second = publish(channel, queue);
    expect(await within(second)).toBe('pending');
    proxy.resume();
    await expect(second).resolves.toBe('confirmed');
  });

  it('stallServerToClientAfter cuts mid-frame; resume() delivers the rest intact', async () => {
    // Connection.Start is the broker's first frame and is hundreds of bytes long.
    proxy.stallServerToClientAfter(10);
    const attempt = handled(connect(proxy.url));
    expect(await within(attempt)).toBe('pending');
    proxy.resume();
    const connection = await attempt;
    opened.push(connection);
    connection.on('error', () => undefined);
    const { channel, queue } = await confirmChannel(connection);
    await expect(publish(channel, queue)).resolves.toBe('confirmed');
  });

  it('stallClientToServerAfter(8): the broker gets the protocol header only, so no handshake', async () => {
    proxy.stallClientToServerAfter(8);
    await expect(open(proxy.url, silenceMs)).rejects.toMatchObject({ timedOut: true });
  });

  it('refuse(): new connections are refused at once, open ones keep working', async () => {
    const { channel, queue } = await confirmChannel(await openThrough());
    proxy.refuse();
    const started = Date.now();
    const attempt = open(proxy.url, 5_000);
    await expect(attempt).rejects.toMatchObject({ timedOut: false });
    await expect(attempt).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(publish(channel, queue)).resolves.toBe('confirmed');
  });

  it('counts open connections and close() tears them down', async () => {
    const first = await openThrough();
    await openThrough();
    expect(proxy.connections).toBe(2);
    await first.close();
    await eventually(async () => expect(proxy.connections).toBe(1), { timeoutMs: 5_000 });

    const closed = new Promise<void>((resolve) => opened[1]?.once('close', () => resolve()));
    await proxy.close();
    await closed;
    expect(proxy.connections).toBe(0);
  });
});

describe('AmqpFrameScanner', () => {
  const heartbeat = [8, 0, 0, 0, 0, 0, 0, 0xce];
  // Connection.OpenOk: class 10, method 41, an empty reserved shortstr.
  const openOk = [1, 0, 0, 0, 0, 0, 5, 0, 10, 0, 41, 0, 0xce];
  const body = [3, 0, 1, 0, 0, 0, 3, 0x61, 0x62, 0x63, 0xce];
  const stream = Buffer.from([...heartbeat, ...body, ...openOk, ...heartbeat]);
  const openOkEnd = heartbeat.length + body.length + openOk.length;

  it.each(Array.from({ length: stream.length + 1 }, (_, split) => split))(
    'finds the end of Connection.OpenOk with the stream split at byte %i',
    (split) => {
      const scanner = new AmqpFrameScanner();
      const match = isMethodFrame(10, 41);
      const first = scanner.scan(stream.subarray(0, split), match);
      const second = scanner.scan(stream.subarray(split), match);
      expect(first ?? (second === undefined ? undefined : split + second)).toBe(openOkEnd);
    },
  );

  it('reports channel, size, class and method of each frame', () => {
    const seen: unknown[] = [];
    new AmqpFrameScanner().scan(stream, (frame) => {
      seen.push(frame);
      return false;
    });
    expect(seen).toEqual([
      { type: 8, channel: 0, size: 0 },
      { type: 3, channel: 1, size: 3 },
      { type: 1, channel: 0, size: 5, classId: 10, methodId: 41 },
      { type: 8, channel: 0, size: 0 },
    ]);
  });

  it('stops reporting on a stream that is not AMQP frames', () => {
    const scanner = new AmqpFrameScanner();
    // An empty frame whose end byte is not 0xCE.
    expect(scanner.scan(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0x00]), () => true)).toBeUndefined();
    expect(scanner.scan(Buffer.from(openOk), () => true)).toBeUndefined();
    expect(new AmqpFrameScanner().scan(Buffer.from(openOk), () => true)).toBe(openOk.length);
  });
});
