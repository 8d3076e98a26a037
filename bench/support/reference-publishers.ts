import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import { serveApp } from '../../src/http/serve-app.js';
import { openRawBrokers, publishJson, type RawBroker } from './raw-brokers.js';
import { readBody } from './read-body.js';

/**
 * Two floors for a single-message HTTP publish on this machine, served from
 * the API's own process beside the bare node:http server: the least any HTTP
 * publisher must do, written plainly. Each reads the body, `JSON.parse`s it,
 * publishes every message as the fair baseline does (`publishJson`: persistent
 * and mandatory, with its id, content type and timestamp, on an amqplib
 * confirm channel; the brokers in turn), and answers a result per message
 * once the confirms are in: once on node:http
 * alone, once as a Hono route on @hono/node-server (warren's router and
 * adapter). They check nothing but the request's shape and never fail over:
 * a baseline, not a publisher. Set against warren's HTTP p50, they show how
 * much of warren's latency over the goal's budget is HTTP and amqplib, how
 * much the framework, and how much warren's own request path.
 */
export interface ReferencePublishers {
  /** `POST /v1/publish` on node:http alone. */
  readonly nodeUrl: string;
  /** `POST /v1/publish` as a Hono route. */
  readonly honoUrl: string;
  close(): Promise<void>;
}

interface Answer {
  readonly status: ContentfulStatusCode;
  readonly body: unknown;
}

/** @example const references = await startReferencePublishers(fleet); await client.post(`${references.nodeUrl}/v1/publish`, json); */
export async function startReferencePublishers(
  fleet: FleetDescription,
): Promise<ReferencePublishers> {
  const brokers = await openRawBrokers(fleet);
  let turn = 0;
  const publish = (bytes: Buffer): Promise<Answer> => {
    let request: { queue?: unknown; messages?: { id?: string; body?: unknown }[] } = {};
    try {
      request = JSON.parse(bytes.toString());
    } catch {
      // answered 400 below
    }
    const { queue, messages } = request;
    if (typeof queue !== 'string' || !Array.isArray(messages))
      return Promise.resolve({ status: 400, body: { error: 'bad request' } });
    const broker = brokers[turn++ % brokers.length] as RawBroker;
    const results = messages.map((message) =>
      publishJson(broker, queue, message.id ?? '', message.body),
    );
    return Promise.all(results).then((all) => ({ status: 200, body: { results: all } }));
  };

  const plain = createServer((request, response) => {
    void readBody(request)
      .then(publish)
      .then(({ status, body }) => {
        const json = JSON.stringify(body);
        response.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(json),
        });
        response.end(json);
      })
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));

  const app = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
  app.post('/v1/publish', async (c) => {
    const { status, body } = await publish(await readBody(c.env.incoming));
    return c.json(body, status);
  });
  const hono = await serveApp(app, { port: 0, hostname: '127.0.0.1' });

  return {
    nodeUrl: `http://127.0.0.1:${(plain.address() as AddressInfo).port}`,
    honoUrl: hono.url,
    async close() {
      plain.closeAllConnections();
      await Promise.all([new Promise((resolve) => plain.close(resolve)), hono.close()]);
      await Promise.all(brokers.map((broker) => broker.connection.close().catch(() => undefined)));
    },
  };
}
