import type { LambdaContext } from 'hono/aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENV } from '../../src/config.js';
import type { NodeView } from '../../src/http/node-view.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { functionUrlEvent } from '../support/lambda-events.js';
import { captureOutput, directives, writtenJson } from '../support/powertools-output.js';
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

describe('functions/publish telemetry', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('logs one line per request with its id and emits EMF request, message and latency metrics', async () => {
    const { registry, tableName } = await freshFleetRegistry();
    await runProbeRound({ registry, probe, refreshAfterMs: 0 });
    deploymentEnv(tableName);
    const { handler } = await import('../../functions/publish.js');
    captureOutput();

    await handler({ queue: 'tasks', messages: [{ body: 1 }, { body: 2 }] }, {
      awsRequestId: 'invoke-req-1',
    } as LambdaContext);
    await handler(
      functionUrlEvent(
        'POST',
        '/v1/publish',
        JSON.stringify({ queue: 'tasks', messages: [{ body: 1 }] }),
      ),
      { awsRequestId: 'http-req-1' } as LambdaContext,
    );

    const lines = writtenJson();
    const logs = lines.filter((line) => line.message === 'publish request');
    expect(logs).toEqual([
      expect.objectContaining({
        requestId: 'invoke-req-1',
        transport: 'invoke',
        status: 200,
        accepted: 2,
        failed: 0,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        requestId: 'http-req-1',
        transport: 'http',
        status: 200,
        accepted: 1,
        failed: 0,
      }),
    ]);
    const emf = lines.filter((line) => directives(line).length > 0);
    const requests = emf.filter(
      (line) => directives(line)[0]?.Metrics[0]?.Name === 'PublishRequests',
    );
    expect(
      requests.map((line) => [line.Transport, line.StatusClass, line.PublishRequests]),
    ).toEqual([
      ['invoke', '2xx', 1],
      ['http', '2xx', 1],
    ]);
    expect(directives(requests[0] ?? {})[0]).toEqual({
      Namespace: 'Warren',
      Dimensions: [['service', 'Transport', 'StatusClass']],
      Metrics: [{ Name: 'PublishRequests', Unit: 'Count' }],
    });
    const plain = emf.filter((line) => 'PublishLatency' in line);
    expect(plain.map((line) => [line.AcceptedMessages, line.FailedMessages])).toEqual([
      [2, 0],
      [1, 0],
    ]);
    expect(directives(plain[0] ?? {})[0]?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: 'AcceptedMessages', Unit: 'Count' },
        { Name: 'FailedMessages', Unit: 'Count' },
        { Name: 'PublishLatency', Unit: 'Milliseconds' },
        { Name: 'FailoverMessages', Unit: 'Count' },
        { Name: 'PanicRequests', Unit: 'Count' },
        { Name: 'StaleViewFallbacks', Unit: 'Count' },
        { Name: 'AttemptFailures', Unit: 'Count' },
      ]),
    );
    expect(logs[0]).toMatchObject({
      view: 'fresh',
      panic: false,
      failedOver: 0,
      attemptFailures: [],
    });
    expect(plain[0]?.service).toBe('warren-publish');
  });

  it('counts a direct invoke answered 503 in PublishRequests as invoke 5xx, with its failed messages by code', async () => {
    const { registry, tableName } = await freshRegistry();
    await registry.registerNode({ id: 'b9', endpoint: 'amqp://127.0.0.1:1' }, new Date());
    deploymentEnv(tableName);
    const { handler } = await import('../../functions/publish.js');
    captureOutput();

    const answer = await handler({ queue: 'tasks', messages: [{ body: 1 }] }, {
      awsRequestId: 'invoke-503',
    } as LambdaContext);

    expect(answer).toMatchObject({ statusCode: 503 });
    const lines = writtenJson();
    expect(lines.find((line) => line.message === 'publish request')).toMatchObject({
      requestId: 'invoke-503',
      transport: 'invoke',
      status: 503,
      accepted: 0,
      failed: 1,
      view: 'fresh',
      panic: true,
      failedOver: 0,
      attemptFailures: [{ node: 'b9', kind: 'connect', messages: 1, retried: 0 }],
    });
    // The log names the broker and the kind of failure, never its address.
    expect(JSON.stringify(lines)).not.toContain('127.0.0.1');
    expect(
      lines.find((line) => line.PublishRequests === 1 && line.StatusClass === '5xx'),
    ).toMatchObject({ Transport: 'invoke', service: 'warren-publish' });
    const byCode = lines.find((line) => 'Code' in line);
    expect(directives(byCode ?? {})[0]?.Dimensions).toEqual([['service', 'Code']]);
    expect(byCode?.FailedMessages).toBe(1);
    const byNode = lines.find((line) => 'NodeId' in line);
    expect(byNode).toMatchObject({ NodeId: 'b9', AttemptFailures: 1 });
    expect(directives(byNode ?? {})[0]).toEqual({
      Namespace: 'Warren',
      Dimensions: [['service', 'NodeId']],
      Metrics: [{ Name: 'AttemptFailures', Unit: 'Count' }],
    });
    expect(lines.find((line) => 'PublishLatency' in line)).toMatchObject({
      PanicRequests: 1,
      StaleViewFallbacks: 0,
      FailoverMessages: 0,
      AttemptFailures: 1,
    });
  });
});
