import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createAmqpBrokerPool } from '../../src/publish/amqp-broker-pool.js';
import type { OutgoingMessage } from '../../src/publish/broker-pool.js';
import { defaultTopology, parseTopology } from '../../src/topology/load-topology.js';
import { withChannel } from '../support/amqp.js';
import { brokerUrls, credentials, publishingSetup } from '../support/publishing.js';

// A topic exchange bound only for `eu.*`, declared well before any traffic, on every broker.
const exchange = `regional-${randomUUID().slice(0, 8)}`;
const queue = `${exchange}.eu`;

beforeAll(async () => {
  for (const { url } of brokerUrls()) {
    await withChannel(url, async (channel) => {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, exchange, 'eu.*');
    });
  }
});
afterAll(async () => {
  for (const { url } of brokerUrls()) {
    await withChannel(url, async (channel) => {
      await channel.deleteQueue(queue);
      await channel.deleteExchange(exchange);
    });
  }
});

describe('a routing key no binding matches, on real brokers', () => {
  it('fails those messages alone: no broker is reported, and keyed traffic still spreads over every broker', async () => {
    const setup = await publishingSetup();
    try {
      for (let i = 0; i < 5; i += 1) {
        const [result] = await setup.publisher.publish(
          { kind: 'exchange', exchange, routingKey: 'us.east' },
          [{ id: `us-${i}`, body: i }],
        );
        expect(result).toMatchObject({ status: 'failed', code: 'unroutable' });
      }
      const { nodes } = await setup.registry.listNodes();
      expect(nodes.map((node) => node.outlierReportedAt)).toEqual(nodes.map(() => undefined));

      const keyed = await setup.publisher.publish(
        { kind: 'exchange', exchange, routingKey: 'eu.west' },
        Array.from({ length: 60 }, (_, i) => ({ body: i, key: `k${i % 12}` })),
      );
      expect(keyed.every((result) => result.status === 'accepted')).toBe(true);
      const used = new Set(
        keyed.map((result) => (result.status === 'accepted' ? result.node : '')),
      );
      expect(used).toEqual(new Set(brokerUrls().map((broker) => broker.id)));
    } finally {
      await setup.close();
    }
  });

  it('is refused at the edge with a 422 before any broker is tried (HTTP API)', async () => {
    const topology = parseTopology({
      ...defaultTopology,
      exchanges: [...defaultTopology.exchanges, { name: exchange, type: 'topic' }],
      queues: [...defaultTopology.queues, { name: queue }],
      bindings: [
        ...defaultTopology.bindings,
        { source: exchange, destination: queue, destination_type: 'queue', routing_key: 'eu.*' },
      ],
    });
    const setup = await publishingSetup({ settings: { topology } });
    try {
      const app = createApp(setup.service);
      const post = (routingKey: string) =>
        app.request('/v1/publish', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ exchange, routingKey, messages: [{ body: 1 }] }),
        });

      const refused = await post('us.east');
      expect(refused.status).toBe(422);
      expect(await refused.json()).toMatchObject({ error: { code: 'unroutable' } });
      expect((await post('eu.west')).status).toBe(200);
      const { nodes } = await setup.registry.listNodes();
      expect(nodes.map((node) => node.outlierReportedAt)).toEqual(nodes.map(() => undefined));
    } finally {
      await setup.close();
      for (const { url } of brokerUrls())
        await withChannel(url, (channel) => channel.purgeQueue(queue));
    }
  });

  it('tells apart the same message id sent at once to a routable and an unroutable destination on one connection', async () => {
    const [broker] = brokerUrls();
    if (!broker) throw new Error('the harness has no brokers');
    const pool = createAmqpBrokerPool({ credentialsFor: async () => credentials });
    const target = { id: broker.id, endpoint: broker.url.replace(/\/\/[^@]*@/, '//') };
    const message = (id: string): OutgoingMessage => ({
      id,
      content: Buffer.from('{}'),
      headers: {},
      timestampSeconds: 0,
    });
    try {
      for (let round = 0; round < 20; round += 1) {
        const id = `twin-${round}`;
        const send = (routingKey: string) =>
          pool.publish(target, { kind: 'exchange', exchange, routingKey }, [message(id)], 2_000);
        // Both orders: a shared set of returned ids reports one of them the wrong way round.
        const [unroutable, routable] =
          round % 2 === 0
            ? await Promise.all([send('us.east'), send('eu.west')])
            : await Promise.all([send('eu.west'), send('us.east')]).then(([r, u]) => [u, r]);
        expect(unroutable).toEqual([{ ok: false, failure: { kind: 'unroutable' } }]);
        expect(routable).toEqual([{ ok: true }]);
      }
    } finally {
      await pool.close();
      await withChannel(broker.url, (channel) => channel.purgeQueue(queue));
    }
  });
});
