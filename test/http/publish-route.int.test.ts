import { describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { drainIds, takeAll, withChannel } from '../support/amqp.js';
import { brokerUrls, publisherOver } from '../support/publishing.js';
import { deadFleetRegistry } from '../support/registry.js';

const fleet = inject('fleet');

describe('POST /v1/publish with real brokers', () => {
  it('publishes through the running local fleet and says which broker accepted each message', async () => {
    const response = await fetch(`${fleet.apiUrl}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        queue: 'tasks',
        messages: [{ id: 'curl-1', body: { hello: 'warren' } }],
      }),
    });

    const { results } = (await response.json()) as {
      results: { id: string; status: string; node: string }[];
    };
    expect(response.status).toBe(200);
    expect(results).toEqual([
      {
        id: 'curl-1',
        status: 'accepted',
        node: expect.stringMatching(/^b[123]$/),
        nodes: [results[0]?.node],
      },
    ]);
    const onNode = (await drainIds(brokerUrls(), 'tasks')).get(results[0]?.node ?? '');
    expect(onNode).toContain('curl-1');
  });

  it('sends each body to the broker as the bytes the client sent, not re-serialised', async () => {
    const body = '{ "n": 1,\n  "big": 1e999, "s": "\\u00e9" }';
    const response = await fetch(`${fleet.apiUrl}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"queue":"tasks","messages":[{"id":"as-sent-1","body":  ${body}  }]}`,
    });
    const { results } = (await response.json()) as { results: { node: string }[] };
    const broker = brokerUrls().find(({ id }) => id === results[0]?.node);

    const content = await withChannel(broker?.url ?? '', async (channel) =>
      (await takeAll(channel, 'tasks'))
        .find((message) => message.properties.messageId === 'as-sent-1')
        ?.content.toString(),
    );

    expect(response.status).toBe(200);
    expect(content).toBe(body);
  });

  it('answers 503 with Retry-After, nothing accepted, when every broker is down', async () => {
    const registry = await deadFleetRegistry();
    const setup = publisherOver(registry, { settings: { deadlineMs: 2_000 } });
    const app = createApp(setup.service);

    const response = await app.request('/v1/publish', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        queue: 'tasks',
        messages: [
          { id: 'a', body: 1 },
          { id: 'b', body: 2 },
        ],
      }),
    });
    await setup.close();

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const { results } = (await response.json()) as { results: { status: string }[] };
    expect(results.map((result) => result.status)).toEqual(['failed', 'failed']);
  });
});
