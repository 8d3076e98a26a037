import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectInvokePublisher } from '../../src/client/direct-invoke-publisher.js';
import { WarrenApiError } from '../../src/client/warren-api-error.js';
import { createLambdaHandler } from '../../src/http/lambda-dispatch.js';
import { drainIds } from '../support/amqp.js';
import { brokerUrls, publishingSetup } from '../support/publishing.js';

/**
 * The Lambda Invoke API as far as InvokeCommand uses it, answered by the real
 * publish handler over a real publish service on the harness brokers.
 */
let server: Server;
let setup: Awaited<ReturnType<typeof publishingSetup>>;
let client: LambdaClient;
const invoked: string[] = [];

beforeAll(async () => {
  setup = await publishingSetup();
  const handler = createLambdaHandler(setup.service);
  server = createServer((request, response) => {
    invoked.push(request.url ?? '');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void handler(JSON.parse(Buffer.concat(chunks).toString('utf8'))).then((answer) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new LambdaClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise((resolve) => server?.close(resolve));
  await setup?.close();
});

describe('createDirectInvokePublisher', () => {
  it('publishes through InvokeCommand and returns the typed results', async () => {
    const id = `invoke-${Date.now()}`;
    const warren = createDirectInvokePublisher({ functionName: 'warren-publish', client });

    const { status, results } = await warren.publish({
      queue: 'tasks',
      messages: [{ id, body: 1 }],
    });

    expect(invoked.at(-1)).toBe('/2015-03-31/functions/warren-publish/invocations');
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

  it('throws WarrenApiError with the error table’s status and code', async () => {
    const warren = createDirectInvokePublisher({ functionName: 'warren-publish', client });

    const error = await warren
      .publish({ queue: 'tasks', messages: [] })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WarrenApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});
