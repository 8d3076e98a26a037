import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, inject, it, vi } from 'vitest';
import { ENV } from '../../src/config.js';
import type { NodeView } from '../../src/http/node-view.js';
import { freshRegistry } from '../support/registry.js';

function httpEvent(method: string, path: string): LambdaEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc.lambda-url.eu-west-1.on.aws' },
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      authentication: null,
      authorizer: {},
      apiId: 'abc',
      domainName: 'abc.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '26/Nov/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

describe('functions/publish handler', () => {
  it('serves GET /v1/nodes from the table named by its environment, through the SDK endpoint variable', async () => {
    const { registry, tableName } = await freshRegistry();
    await registry.registerNode({ id: 'b7', endpoint: 'amqp://10.0.3.7:5671' }, new Date());
    vi.stubEnv(ENV.registryTable, tableName);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('fleet').registry.endpoint);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const { handler } = await import('../../functions/publish.js');

    const response = await handler(httpEvent('GET', '/v1/nodes'), {} as LambdaContext);

    expect(response.statusCode).toBe(200);
    const { nodes } = JSON.parse(response.body ?? '{}') as { nodes: NodeView[] };
    expect(nodes.map((node) => node.id)).toEqual(['b7']);
    vi.unstubAllEnvs();
  });
});
