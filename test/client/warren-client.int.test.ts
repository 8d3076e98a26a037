import { describe, expect, inject, it } from 'vitest';
import { WarrenApiError } from '../../src/client/warren-api-error.js';
import { createWarrenClient } from '../../src/client/warren-client.js';
import { createApp } from '../../src/http/app.js';
import { drainIds } from '../support/amqp.js';
import { brokerUrls, publisherOver } from '../support/publishing.js';
import { deadFleetRegistry } from '../support/registry.js';

const fleet = inject('fleet');
const warren = createWarrenClient({ url: fleet.apiUrl });

describe('createWarrenClient against the running local fleet', () => {
  it('publishes a message that lands on the broker its result names', async () => {
    const id = `client-${Date.now()}`;
    const { status, results } = await warren.publish({
      queue: 'tasks',
      messages: [{ id, body: { from: 'client' } }],
    });

    expect(status).toBe(200);
    const [result] = results;
    const node = result?.status === 'accepted' ? result.node : '';
    expect(results).toEqual([
      {
        id,
        status: 'accepted',
        node: expect.stringMatching(/^b[123]$/),
        nodes: [node],
      },
    ]);
    const onNode = (await drainIds(brokerUrls(), 'tasks')).get(node);
    expect(onNode).toContain(id);
  });

  it('throws WarrenApiError with the status, code and message of a refusal', async () => {
    const error = await warren
      .publish({ queue: 'no-such-queue', messages: [{ body: 1 }] })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WarrenApiError);
    expect(error).toMatchObject({ status: 404, code: 'unknown_destination' });
    expect((error as WarrenApiError).message).toContain('no-such-queue');
  });

  it('throws not_accepted with the results and Retry-After when every broker is down', async () => {
    const setup = publisherOver(await deadFleetRegistry(), { settings: { deadlineMs: 2_000 } });
    const app = createApp(setup.service);
    const overApp = createWarrenClient({
      url: 'http://warren.test',
      fetch: async (input, init) => app.fetch(new Request(input, init)),
    });

    const error = await overApp
      .publish({ queue: 'tasks', messages: [{ id: 'down-1', body: 1 }] })
      .catch((caught: unknown) => caught)
      .finally(() => setup.close());

    expect(error).toBeInstanceOf(WarrenApiError);
    expect(error).toMatchObject({ status: 503, code: 'not_accepted', retryAfterSeconds: 1 });
    expect((error as WarrenApiError).results).toEqual([
      expect.objectContaining({ id: 'down-1', status: 'failed' }),
    ]);
  });

  it('reads the nodes and the health of the fleet', async () => {
    const nodes = await warren.nodes();
    const health = await warren.health();

    expect(nodes.nodes.map((node) => node.id)).toEqual(fleet.brokers.map((broker) => broker.id));
    expect(health).toMatchObject({ status: 'ready', registry: { reachable: true } });
  });

  it('sends the signer’s headers with each request', async () => {
    const seen: Headers[] = [];
    const signed = createWarrenClient({
      url: fleet.apiUrl,
      signer: async ({ headers }) => ({ ...headers, authorization: 'test-signature' }),
      fetch: async (input, init) => {
        seen.push(new Headers(init?.headers));
        return fetch(input, init);
      },
    });

    await signed.health();

    expect(seen[0]?.get('authorization')).toBe('test-signature');
  });
});
