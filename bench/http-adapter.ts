/**
 * What the HTTP adapter under the Hono app costs, per request, for the same
 * contract: the publish route reads the whole body and answers a JSON body,
 * and only the layer between node:http and Hono differs. Each server runs in
 * a forked process of its own, whose CPU time is read over IPC; the load
 * comes from this process (node:http keep-alive, 4 requests in flight),
 * variants interleaved, rounds rotated.
 *
 *   npx tsx bench/http-adapter.ts [--rounds 5] [--requests 3000]
 *
 * - bare node:http: no router at all; the floor, not a candidate.
 * - @hono/node-server: `serve({ fetch: app.fetch })`, as warren serves its app
 *   (lightweight Request/Response, the body read from `env.incoming`).
 * - @hono/node-server, overrideGlobalObjects: false: the same without
 *   replacing the global Request and Response.
 * - web Request: a node:http listener that builds a standard `Request` with the
 *   body and writes the `Response` back, the adapter one writes without node-server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { forkHost, serveHost } from './support/forked-host.js';
import { createHttpPublishClient } from './support/http-publish-client.js';
import { integerFlag } from './support/integer-flag.js';
import { median } from './support/measure.js';
import { readBody } from './support/read-body.js';
import { rotated } from './support/samples.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    requests: { type: 'string' },
    serve: { type: 'string' }, // internal: this file, forked, serves one variant
  },
});
const ROUNDS = integerFlag(values, 'rounds', 5, 1, 50);
const REQUESTS = integerFlag(values, 'requests', 3_000, 100, 100_000);
const IN_FLIGHT = 4;
const VARIANTS = [
  'bare node:http',
  '@hono/node-server',
  'node-server, globals kept',
  'web Request',
];
/** 100 results of a batch, as the publish route answers them. */
const ANSWER = JSON.stringify({
  results: Array.from({ length: 100 }, (_, i) => ({
    id: `r0-${i}`,
    status: 'accepted',
    node: 'b1',
    nodes: ['b1'],
  })),
});

function honoApp(): Hono {
  const app = new Hono();
  app.post('/v1/publish', async (c) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const body = incoming ? await readBody(incoming) : Buffer.from(await c.req.arrayBuffer());
    c.header('x-body-bytes', String(body.length));
    return c.body(ANSWER, 200, { 'content-type': 'application/json' });
  });
  return app;
}

async function webRequestListener(app: Hono, request: IncomingMessage, response: ServerResponse) {
  const body = await readBody(request);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers))
    if (typeof value === 'string') headers.set(name, value);
  const answer = await app.fetch(
    new Request(`http://${request.headers.host}${request.url}`, {
      method: request.method ?? 'GET',
      headers,
      body,
    }),
  );
  const bytes = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(bytes);
}

async function serveVariant(name: string): Promise<void> {
  await serveHost(async () => {
    const listen = (server: ReturnType<typeof createServer>) =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      );
    let server: ReturnType<typeof createServer>;
    if (name === 'bare node:http') {
      server = createServer(async (request, response) => {
        const body = await readBody(request);
        response.writeHead(200, {
          'content-type': 'application/json',
          'x-body-bytes': body.length,
        });
        response.end(ANSWER);
      });
    } else if (name === 'web Request') {
      const app = honoApp();
      server = createServer((request, response) => void webRequestListener(app, request, response));
    } else {
      const overrideGlobalObjects = name === '@hono/node-server';
      server = serve({
        fetch: honoApp().fetch,
        port: 0,
        hostname: '127.0.0.1',
        overrideGlobalObjects,
      }) as ReturnType<typeof createServer>;
      await new Promise((resolve) => server.once('listening', resolve));
    }
    const url = server.listening
      ? `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      : await listen(server);
    return {
      ready: url,
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  });
}

async function main(): Promise<void> {
  const entry = fileURLToPath(import.meta.url);
  const hosts = await Promise.all(
    VARIANTS.map((name) => forkHost<string>(entry, ['--serve', name], name)),
  );
  const clients = hosts.map((host) => createHttpPublishClient(host.ready));
  const shapes = [
    {
      name: 'batch of 100 (103 KB)',
      ids: (i: number) => Array.from({ length: 100 }, (_, k) => `m-${i}-${k}`),
    },
    { name: 'one message (1.1 KB)', ids: (i: number) => [`m-${i}`] },
  ];
  const cpu = new Map<string, number[]>();
  const p50 = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const shape of shapes) {
      for (const v of rotated([...VARIANTS.keys()], round)) {
        const host = hosts[v];
        const client = clients[v];
        if (!host || !client) continue;
        const key = `${shape.name}|${VARIANTS[v]}`;
        const latencies: number[] = [];
        let next = 0;
        const before = (await host.cpuMs()) ?? 0;
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            while (next < REQUESTS) {
              const i = next++;
              const started = performance.now();
              const answer = await client.publish('tasks', shape.ids(i));
              latencies.push(performance.now() - started);
              if (answer.status !== 200) throw new Error(`${VARIANTS[v]}: status ${answer.status}`);
            }
          }),
        );
        const after = (await host.cpuMs()) ?? 0;
        cpu.set(key, [...(cpu.get(key) ?? []), ((after - before) * 1000) / REQUESTS]);
        p50.set(key, [...(p50.get(key) ?? []), median(latencies)]);
      }
    }
    console.error(`round ${round + 1}/${ROUNDS} done`);
  }
  console.log(
    `server CPU per request (median of ${ROUNDS} rounds of ${REQUESTS}), and p50 latency with ${IN_FLIGHT} in flight`,
  );
  for (const shape of shapes) {
    console.log(shape.name);
    const floor = median(cpu.get(`${shape.name}|bare node:http`) ?? []);
    for (const name of VARIANTS) {
      const own = median(cpu.get(`${shape.name}|${name}`) ?? []);
      const latency = median(p50.get(`${shape.name}|${name}`) ?? []);
      console.log(
        `  ${name.padEnd(28)} ${own.toFixed(1).padStart(6)} µs (+${(own - floor).toFixed(1)} over bare), p50 ${latency.toFixed(3)} ms`,
      );
    }
  }
  for (const client of clients) client.close();
  await Promise.all(hosts.map((host) => host.stop()));
}

if (values.serve) await serveVariant(values.serve);
else await main();
