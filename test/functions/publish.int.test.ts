import type { LambdaContext } from 'hono/aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENV } from '../../src/config.js';
import type { NodeView } from '../../src/http/node-view.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { functionUrlEvent } from '../support/lambda-events.js';
import { probe } from '../support/publishing.js';
import { freshFleetRegistry, freshRegistry, stubRegistryEnv } from '../support/registry.js';

/** The environment the publish stack sets, pointing at the harness's dynalite and brokers. */
function deploymentEnv(tableName: string): void {
  stubRegistryEnv(tableName);
  vi.stubEnv(ENV.amqpUsername, 'guest');
  vi.stubEnv(ENV.amqpPassword, 'guest');
}

describe('functions/publish handler', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('serves GET /v1/nodes from the table named by its environment, through the SDK endpoint variable', async () => {
    const { registry, tableName } = await freshRegistry();
    await registry.registerNode({ id: 'b7', endpoint: 'amqp://10.0.3.7:5671' }, new Date());
    deploymentEnv(tableName);
    const { handler } = await import('../../functions/publish.js');

    const response = (await handler(
      functionUrlEvent('GET', '/v1/nodes', null),
      {} as LambdaContext,
    )) as {
      statusCode: number;
      body?: string;
    };

    expect(response.statusCode).toBe(200);
    const { nodes } = JSON.parse(response.body ?? '{}') as { nodes: NodeView[] };
    expect(nodes.map((node) => node.id)).toEqual(['b7']);
  });

  it('publishes a direct invoke to the brokers and answers with the same result JSON as HTTP', async () => {
    const { registry, tableName } = await freshFleetRegistry();
    await runProbeRound({ registry, probe, refreshAfterMs: 0 });
    deploymentEnv(tableName);
    const { handler } = await import('../../functions/publish.js');

    const invoked = await handler(
      { queue: 'tasks', messages: [{ id: 'direct-1', body: { a: 1 } }] },
      {} as LambdaContext,
    );
    const overHttp = (await handler(
      functionUrlEvent(
        'POST',
        '/v1/publish',
        JSON.stringify({ queue: 'tasks', messages: [{ id: 'http-1', body: { a: 1 } }] }),
      ),
      {} as LambdaContext,
    )) as { statusCode: number; body?: string };
    const invalid = await handler({ queue: 'tasks', messages: [] }, {} as LambdaContext);

    expect(invoked).toEqual({
      statusCode: 200,
      results: [
        {
          id: 'direct-1',
          status: 'accepted',
          node: expect.stringMatching(/^b[123]$/),
          nodes: [expect.stringMatching(/^b[123]$/)],
        },
      ],
    });
    expect(overHttp.statusCode).toBe(200);
    expect(JSON.parse(overHttp.body ?? '{}')).toEqual({
      results: [
        {
          id: 'http-1',
          status: 'accepted',
          node: expect.stringMatching(/^b[123]$/),
          nodes: [expect.stringMatching(/^b[123]$/)],
        },
      ],
    });
    expect(invalid).toMatchObject({ statusCode: 400, error: { code: 'invalid_request' } });
  });

  it('takes the default replicas from WARREN_REPLICAS, and a payload\'s "replicas" over it', async () => {
    const { registry, tableName } = await freshFleetRegistry();
    await runProbeRound({ registry, probe, refreshAfterMs: 0 });
    deploymentEnv(tableName);
    vi.stubEnv(ENV.replicas, '2');
    const { handler } = await import('../../functions/publish.js');

    const byDefault = (await handler(
      { queue: 'tasks', messages: [{ id: 'two-1', body: 1 }] },
      {} as LambdaContext,
    )) as { results: { nodes?: readonly string[] }[] };
    const asked = (await handler(
      { queue: 'tasks', replicas: 3, messages: [{ id: 'three-1', body: 1 }] },
      {} as LambdaContext,
    )) as { results: { nodes?: readonly string[] }[] };
    const refused = await handler(
      { queue: 'tasks', replicas: 4, messages: [{ body: 1 }] },
      {} as LambdaContext,
    );

    expect(new Set(byDefault.results[0]?.nodes).size).toBe(2);
    expect([...(asked.results[0]?.nodes ?? [])].sort()).toEqual(['b1', 'b2', 'b3']);
    expect(refused).toMatchObject({
      statusCode: 400,
      error: { code: 'invalid_request', message: 'replicas: must be an integer from 1 to 3' },
    });
  });
});
