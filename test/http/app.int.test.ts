import { describe, expect, inject, it } from 'vitest';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { createApp } from '../../src/http/app.js';
import type { NodeView } from '../../src/http/node-view.js';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import type { HealthRegistry } from '../../src/registry/health-registry.js';
import { publishService } from '../../src/service/publish-service.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { eventually } from '../support/eventually.js';
import { recordingPublisher } from '../support/recording-publisher.js';
import { freshRegistry } from '../support/registry.js';

const fleet = inject('fleet');
/** Publishing is not what these tests look at. */
const publishing = { publisher: recordingPublisher(), topology: defaultTopology };
const viewOf = (registry: Pick<HealthRegistry, 'listNodes'>) =>
  createCachedFleetView({ registry, ttlMs: 1_000, clock: Date.now });

async function unreachableRegistry(): Promise<DynamoDbHealthRegistry> {
  const [port] = await findFreePorts(1);
  const { documentClient } = createDynamoDbClients({ endpoint: `http://127.0.0.1:${port}` });
  return new DynamoDbHealthRegistry({ client: documentClient, tableName: 'absent' });
}

describe('HTTP API', () => {
  it('lists the fleet brokers on GET /v1/nodes of the running local fleet', async () => {
    const response = await fetch(`${fleet.apiUrl}/v1/nodes`);
    const body = (await response.json()) as { nodes: NodeView[] };

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(body.nodes.map((node) => [node.id, node.endpoint])).toEqual(
      fleet.brokers.map((broker) => [broker.id, broker.endpoint]),
    );
  });

  it('shows health, admin state, staleness, probe time, latency and failure counts per broker', async () => {
    const { registry } = await freshRegistry();
    const registeredAt = new Date('2026-11-26T12:00:00.000Z');
    await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672' }, registeredAt);
    const app = createApp(
      publishService({
        ...publishing,
        fleet: viewOf(registry),
        probeIntervalMs: 1_000,
      }),
      { now: () => registeredAt.getTime() + 3_001 },
    );

    const response = await app.request('/v1/nodes');
    const { nodes } = (await response.json()) as { nodes: NodeView[] };

    expect(nodes).toEqual([
      expect.objectContaining({
        id: 'b1',
        endpoint: 'amqp://10.0.1.5:5672',
        health: { state: 'initial' },
        admin: { state: 'active', since: registeredAt.toISOString() },
        stale: true,
        lastProbeAt: null,
        latencyMs: null,
        consecutiveFailures: 0,
      }),
    ]);
  });

  it('reports ready on /healthz when the registry answers', async () => {
    const { registry } = await freshRegistry();
    const response = await createApp(
      publishService({
        ...publishing,
        fleet: viewOf(registry),
        probeIntervalMs: 1_000,
      }),
    ).request('/healthz');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      registry: { reachable: true, source: 'fresh', nodes: 0 },
    });
  });

  it('answers 503 JSON without internals when the registry is unreachable', async () => {
    const app = createApp(
      publishService({
        ...publishing,
        fleet: viewOf(await unreachableRegistry()),
        probeIntervalMs: 1_000,
      }),
    );

    const nodes = await app.request('/v1/nodes');
    const health = await app.request('/healthz');

    expect(nodes.status).toBe(503);
    expect(nodes.headers.get('retry-after')).toBe('1');
    expect(await nodes.json()).toEqual({
      error: {
        code: 'registry_unavailable',
        message: 'the broker registry cannot be read right now',
      },
    });
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      status: 'unready',
      registry: { reachable: false },
    });
  });

  it.each([
    ['GET', '/nope', 404, 'not_found'],
    ['POST', '/v1/nodes', 405, 'method_not_allowed'],
    ['DELETE', '/v1/nodes', 405, 'method_not_allowed'],
    ['PUT', '/healthz', 405, 'method_not_allowed'],
  ])('answers %s %s with %i and a JSON error', async (method, path, status, code) => {
    const { registry } = await freshRegistry();
    const response = await createApp(
      publishService({
        ...publishing,
        fleet: viewOf(registry),
        probeIntervalMs: 1_000,
      }),
    ).request(path, {
      method,
    });

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
    if (status === 405) expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('keeps serving the last known good fleet, and says so, when the registry stops answering', async () => {
    const { registry } = await freshRegistry();
    await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672' }, new Date());
    const unreachable = await unreachableRegistry();
    let target: Pick<HealthRegistry, 'listNodes'> = registry;
    const app = createApp(
      publishService({
        ...publishing,
        fleet: createCachedFleetView({
          registry: { listNodes: () => target.listNodes() },
          ttlMs: 0,
          clock: Date.now,
        }),
        probeIntervalMs: 1_000,
      }),
    );
    await app.request('/v1/nodes');

    target = unreachable;
    const body = await eventually(async () => {
      const response = await app.request('/v1/nodes');
      const json = (await response.json()) as {
        source: string;
        nodes: NodeView[];
        registryError?: string;
      };
      if (json.source !== 'last-known-good') throw new Error(`still ${json.source}`);
      return json;
    });
    const health = await app.request('/healthz');

    expect(body.nodes.map((node) => node.id)).toEqual(['b1']);
    expect(body.registryError).toMatch(/cannot read the fleet/);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ready',
      registry: { reachable: false, source: 'last-known-good' },
    });
  });

  it('hides internal errors behind a 500 internal_error and hands them to onInternalError', async () => {
    const seen: unknown[] = [];
    const broken = {
      read: () => Promise.reject(new Error('secret detail at /srv/x.ts:12')),
      invalidate: () => undefined,
    };
    const app = createApp(
      publishService({
        ...publishing,
        fleet: broken,
        probeIntervalMs: 1_000,
        onInternalError: (e) => seen.push(e),
      }),
    );

    const response = await app.request('/v1/nodes');

    expect(response.status).toBe(500);
    expect(await response.text()).toBe(
      '{"error":{"code":"internal_error","message":"internal error"}}',
    );
    expect(seen).toHaveLength(1);
  });
});
