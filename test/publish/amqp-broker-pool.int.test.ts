import { describe, expect, it } from 'vitest';
import type { AmqpCredentials } from '../../src/amqp/amqp-credentials.js';
import { createAmqpBrokerPool } from '../../src/publish/amqp-broker-pool.js';
import type { OutgoingMessage, PoolTarget } from '../../src/publish/broker-pool.js';
import { withChannel } from '../support/amqp.js';
import { brokerUrls, credentials } from '../support/publishing.js';
import { startStallingProxy } from '../support/stalling-proxy.js';

const tasks = { kind: 'queue', queue: 'tasks' } as const;
const message: OutgoingMessage = {
  id: 'pool-test',
  content: Buffer.from('{}'),
  headers: {},
  timestampSeconds: 0,
};

function firstBroker(): PoolTarget {
  const [broker] = brokerUrls();
  if (!broker) throw new Error('the harness has no brokers');
  return { id: broker.id, endpoint: broker.url.replace(/\/\/[^@]*@/, '//') };
}

describe('createAmqpBrokerPool against a real broker', () => {
  it('asks again for credentials after the broker refused the login, and connects with the new ones', async () => {
    const asked: (AmqpCredentials | undefined)[] = [];
    const pool = createAmqpBrokerPool({
      credentialsFor: async (_target, refused) => {
        asked.push(refused);
        return refused ? credentials : { username: 'guest', password: 'rotated-away' };
      },
    });
    try {
      expect(await pool.publish(firstBroker(), tasks, [message], 3_000)).toEqual([{ ok: true }]);
      expect(asked).toEqual([undefined, { username: 'guest', password: 'rotated-away' }]);
    } finally {
      await pool.close();
    }
  });

  it('reports an auth failure, without the password, when the credentials read again are the same', async () => {
    const stale = { username: 'guest', password: 'not-the-password' };
    const pool = createAmqpBrokerPool({ credentialsFor: async () => stale });
    try {
      const [outcome] = await pool.publish(firstBroker(), tasks, [message], 3_000);
      expect(outcome).toMatchObject({ ok: false, failure: { kind: 'auth' } });
      expect(JSON.stringify(outcome)).not.toContain('not-the-password');
    } finally {
      await pool.close();
    }
  });

  it('blames no broker when the credentials cannot be read', async () => {
    const pool = createAmqpBrokerPool({
      credentialsFor: async () => {
        throw new Error('Secrets Manager throttled');
      },
    });
    try {
      expect(await pool.publish(firstBroker(), tasks, [message], 1_000)).toEqual([
        { ok: false, failure: { kind: 'credentials', detail: 'Secrets Manager throttled' } },
      ]);
    } finally {
      await pool.close();
    }
  });

  it('writes nothing when the attempt has no time left', async () => {
    const queue = `no-time-${Date.now()}`;
    const url = brokerUrls()[0]?.url ?? '';
    await withChannel(url, (channel) => channel.assertQueue(queue, { durable: true }));
    const pool = createAmqpBrokerPool({ credentialsFor: async () => credentials });
    try {
      const target = firstBroker();
      // Connected and warm, so only the attempt's own budget decides.
      await pool.publish(target, { kind: 'queue', queue }, [message], 3_000);
      expect(await pool.publish(target, { kind: 'queue', queue }, [message], 0)).toEqual([
        { ok: false, failure: { kind: 'timeout', afterMs: 0 } },
      ]);
      const depth = await withChannel(url, async (channel) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return (await channel.checkQueue(queue)).messageCount;
      });
      expect(depth).toBe(1);
    } finally {
      await pool.close();
      await withChannel(url, (channel) => channel.deleteQueue(queue));
    }
  });

  it('gives up within its connect timeout on a broker that stops answering after the handshake (channel open never answered)', async () => {
    const broker = brokerUrls()[0];
    if (!broker) throw new Error('the harness has no brokers');
    const proxy = await startStallingProxy(broker.url);
    proxy.stallAfterHandshake();
    const pool = createAmqpBrokerPool({ credentialsFor: async () => credentials });
    try {
      const target = { id: broker.id, endpoint: proxy.url.replace(/\/\/[^@]*@/, '//') };
      const started = performance.now();
      const [outcome] = await pool.publish(target, tasks, [message], 5_000);
      const elapsedMs = performance.now() - started;

      expect(outcome).toMatchObject({ ok: false, failure: { kind: 'connect' } });
      // The 1 s connect timeout, not the 5 s attempt, nor the heartbeat (~10 s).
      expect(elapsedMs).toBeLessThan(2_500);
    } finally {
      await pool.close();
      await proxy.close();
    }
  });

  it('reports a confirm that never comes within the attempt, and reconnects once discarded', async () => {
    const broker = brokerUrls()[0];
    if (!broker) throw new Error('the harness has no brokers');
    const proxy = await startStallingProxy(broker.url);
    const pool = createAmqpBrokerPool({ credentialsFor: async () => credentials });
    try {
      const target = { id: broker.id, endpoint: proxy.url.replace(/\/\/[^@]*@/, '//') };
      expect(await pool.publish(target, tasks, [message], 2_000)).toEqual([{ ok: true }]);
      proxy.stall();
      expect(await pool.publish(target, tasks, [message], 500)).toEqual([
        { ok: false, failure: { kind: 'timeout', afterMs: expect.any(Number) } },
      ]);
      pool.discard(target.id);
      proxy.resume();
      expect(await pool.publish(target, tasks, [message], 2_000)).toEqual([{ ok: true }]);
      expect(proxy.accepted).toBe(2);
    } finally {
      await pool.close();
      await proxy.close();
    }
  });
});
