import type { ApiGatewayRequestContext, LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLambdaHandler } from '../../src/http/lambda-dispatch.js';
import type { MessageResult, PublishMessage } from '../../src/publish/publisher.js';
import type { CachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { publishService } from '../../src/service/publish-service.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { withProbeQueue } from '../../src/topology/probe-queue.js';
import { functionUrlEvent } from '../support/lambda-events.js';
import { recordingPublisher } from '../support/recording-publisher.js';

const unreadFleet: CachedFleetView = {
  read: () => Promise.reject(new Error('publishing does not read the fleet view here')),
  invalidate: () => undefined,
};
const request = {
  exchange: 'events',
  routingKey: 'orders.created',
  messages: [{ id: 'o-1', body: { total: 12 }, key: 'customer-7' }, { body: null }],
};

function setup(outcome?: (message: PublishMessage, index: number) => MessageResult) {
  const publisher = recordingPublisher(outcome);
  const service = publishService({
    fleet: unreadFleet,
    probeIntervalMs: 1_000,
    publisher,
    topology: withProbeQueue(defaultTopology),
  });
  return { publisher, handler: createLambdaHandler(service) };
}

function restApiEvent(method: string, path: string, body: string | null): LambdaEvent {
  return {
    version: '1.0',
    httpMethod: method,
    path,
    resource: '/{proxy+}',
    headers: {
      Host: 'abc.execute-api.eu-west-1.amazonaws.com',
      'Content-Type': 'application/json',
    },
    body,
    isBase64Encoded: false,
    // Only what Hono reads; a real REST API context carries identity and more.
    requestContext: {
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      httpMethod: method,
      path,
      stage: 'prod',
    } as ApiGatewayRequestContext,
  };
}

describe('createLambdaHandler', () => {
  it('gives a function URL request and a direct invoke of the same JSON the same results', async () => {
    const { handler, publisher } = setup();

    const http = await handler(functionUrlEvent('POST', '/v1/publish', JSON.stringify(request)));
    const direct = await handler(request);

    expect(http.statusCode).toBe(200);
    expect(direct).toEqual({ statusCode: 200, ...JSON.parse(http.body) });
    expect(direct).toEqual({
      statusCode: 200,
      results: [
        { id: 'o-1', status: 'accepted', node: 'b1', nodes: ['b1'] },
        { id: 'generated-1', status: 'accepted', node: 'b1', nodes: ['b1'] },
      ],
    });
    expect(publisher.calls).toHaveLength(2);
    // Over HTTP a body stays its bytes (JsonBytes); as JSON both calls say the same.
    const asJson = (call: unknown) => JSON.parse(JSON.stringify(call));
    expect(asJson(publisher.calls[1])).toEqual(asJson(publisher.calls[0]));
  });

  it('serves a base64-encoded function URL body and an API Gateway REST event through the app', async () => {
    const { handler } = setup();
    const encoded = Buffer.from(JSON.stringify(request)).toString('base64');

    const base64 = await handler(functionUrlEvent('POST', '/v1/publish', encoded, true));
    const rest = await handler(restApiEvent('POST', '/v1/publish', JSON.stringify(request)));
    const wrongMethod = await handler(restApiEvent('GET', '/v1/publish', null));

    expect([base64.statusCode, rest.statusCode, wrongMethod.statusCode]).toEqual([200, 200, 405]);
    expect(JSON.parse(wrongMethod.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('reports the HTTP status a direct invoke would have had: 207 mixed, 503 none', async () => {
    const mixed = setup((message, index) =>
      index === 0
        ? { id: message.id ?? 'x', status: 'accepted', node: 'b3', nodes: ['b3'] }
        : { id: 'gen', status: 'failed', code: 'deadline', error: 'confirm timed out' },
    );
    const none = setup(() => ({
      id: 'gen',
      status: 'failed',
      code: 'no_broker',
      error: 'no usable broker',
    }));

    expect(await mixed.handler(request)).toMatchObject({ statusCode: 207 });
    expect(await none.handler({ queue: 'tasks', messages: [{ body: 1 }] })).toEqual({
      statusCode: 503,
      results: [{ id: 'gen', status: 'failed', code: 'no_broker', error: 'no usable broker' }],
    });
  });

  it.each<[string, unknown, number, string]>([
    ['an empty batch', { queue: 'tasks', messages: [] }, 400, 'invalid_request'],
    ['a null payload', null, 400, 'invalid_request'],
    ['an array payload', [request], 400, 'invalid_request'],
    ['a JSON string holding a request', JSON.stringify(request), 400, 'invalid_request'],
    [
      'a reserved header',
      { queue: 'tasks', messages: [{ body: 1, headers: { 'x-warren-node': 'b1' } }] },
      400,
      'invalid_request',
    ],
    [
      'an undeclared queue',
      { queue: 'orders', messages: [{ body: 1 }] },
      404,
      'unknown_destination',
    ],
    [
      'the probe queue',
      { queue: 'warren.probe', messages: [{ body: 1 }] },
      404,
      'unknown_destination',
    ],
    [
      '501 messages',
      { queue: 'tasks', messages: Array.from({ length: 501 }, () => ({ body: 1 })) },
      413,
      'too_many_messages',
    ],
  ])(
    'answers a direct invoke of %s with the JSON error and its status, publishing nothing',
    async (_name, payload, statusCode, code) => {
      const { handler, publisher } = setup();

      const response = await handler(payload);

      expect(response).toEqual({ statusCode, error: { code, message: expect.any(String) } });
      expect(publisher.calls).toEqual([]);
    },
  );

  it('hides a publisher failure on a direct invoke behind internal_error and reports it', async () => {
    const seen: unknown[] = [];
    const handler = createLambdaHandler(
      publishService({
        fleet: unreadFleet,
        probeIntervalMs: 1_000,
        publisher: { publish: () => Promise.reject(new Error('secret detail at /srv/x.ts:12')) },
        topology: defaultTopology,
        onInternalError: (error) => seen.push(error),
      }),
    );

    expect(await handler(request)).toEqual({
      statusCode: 500,
      error: { code: 'internal_error', message: 'internal error' },
    });
    expect(seen).toHaveLength(1);
  });
});
