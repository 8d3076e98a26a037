import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { eventually } from '../support/eventually.js';

const fleet = inject('fleet');
const clients = createDynamoDbClients({ endpoint: fleet.registry.endpoint });
const registry = new DynamoDbHealthRegistry({
  client: clients.documentClient,
  tableName: fleet.registry.tableName,
});
const ids = fleet.brokers.map((broker) => broker.id);

const setAll = async (state: 'active' | 'draining') => {
  for (const id of ids) await registry.setAdminState(id, state, new Date());
};

const publishOne = (id: string) =>
  fetch(`${fleet.apiUrl}/v1/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queue: 'tasks', messages: [{ id, body: { idle: true } }] }),
  });

afterAll(async () => {
  await setAll('active');
  clients.client.destroy();
});

// The local fleet reads the registry with a 1 s TTL and a 5 s staleness bound.
describe('the first publish after an idle gap (HTTP API of the local fleet)', () => {
  it('is routed on a fresh view: a fleet undrained while the API sat idle is used at once', async () => {
    await setAll('draining');
    await eventually(
      async () => expect((await publishOne(`drained-${Date.now()}`)).status).toBe(503),
      {
        timeoutMs: 10_000,
      },
    );

    await setAll('active');
    await sleep(6_000); // idle, longer than the staleness bound

    const response = await publishOne(`after-idle-${Date.now()}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ results: [{ status: 'accepted' }] });
  });

  it('sends nothing to a broker drained while the API sat idle', async () => {
    await setAll('active');
    await eventually(async () => expect((await publishOne(`warm-${Date.now()}`)).status).toBe(200));
    const [drained, ...others] = ids;
    if (!drained) throw new Error('the harness has no brokers');
    await registry.setAdminState(drained, 'draining', new Date());
    await sleep(6_000);

    const response = await fetch(`${fleet.apiUrl}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        queue: 'tasks',
        messages: Array.from({ length: 30 }, (_, i) => ({ body: i, key: `k${i}` })),
      }),
    });
    const { results } = (await response.json()) as { results: { node?: string }[] };

    expect(response.status).toBe(200);
    // Which of the others take the keys depends on their health after earlier files' chaos.
    const used = new Set(results.map((result) => result.node));
    expect(used.has(drained)).toBe(false);
    expect([...used].every((node) => node !== undefined && others.includes(node))).toBe(true);
  });
});
