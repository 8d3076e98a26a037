/**
 * A small order service: `POST /orders` with `{ "item": "...", "quantity": n }`
 * publishes the order to warren's `tasks` queue through the typed client and
 * answers 202 with the order id and the broker that took it.
 *
 *   WARREN_URL=http://127.0.0.1:8080 PORT=3000 npx tsx examples/publisher-service/publisher-service.ts
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createWarrenClient, WarrenApiError } from '../../src/index.js';

const warren = createWarrenClient({ url: process.env.WARREN_URL ?? 'http://127.0.0.1:8080' });
const queue = process.env.QUEUE ?? 'tasks';

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function takeOrder(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST' || request.url !== '/orders')
    return reply(response, 404, { error: 'POST /orders' });
  const order = (await readJson(request).catch(() => undefined)) as
    | { item?: unknown; quantity?: unknown }
    | undefined;
  if (typeof order?.item !== 'string' || typeof order.quantity !== 'number')
    return reply(response, 400, { error: 'send { "item": string, "quantity": number }' });
  const orderId = `order-${randomUUID()}`;
  try {
    // The order id is the message id: a retry after a timeout is de-duplicated by consumers.
    const { results } = await warren.publish({
      queue,
      messages: [{ id: orderId, body: { orderId, item: order.item, quantity: order.quantity } }],
    });
    const [result] = results;
    if (result?.status !== 'accepted') return reply(response, 503, { orderId, error: result });
    return reply(response, 202, { orderId, node: result.node });
  } catch (error) {
    if (!(error instanceof WarrenApiError)) throw error;
    return reply(response, error.status >= 500 ? 503 : 502, {
      orderId,
      error: { code: error.code, message: error.message },
    });
  }
}

const server = createServer((request, response) => {
  takeOrder(request, response).catch((error: unknown) => {
    console.error(error);
    reply(response, 500, { error: 'internal error' });
  });
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : '?';
  console.log(`publisher-service listening on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => server.close());
