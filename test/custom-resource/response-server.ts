import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomResourceResponse } from '../../src/custom-resource/custom-resource-response.js';

export interface ReceivedResponse {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly body: CustomResourceResponse;
}

/**
 * A local HTTP server standing in for the pre-signed S3 URL CloudFormation
 * waits on: records every response PUT to it. `failFirst` answers that many
 * requests with a 503 first, as S3 sometimes does.
 */
export async function startResponseServer(options: { failFirst?: number } = {}) {
  const received: ReceivedResponse[] = [];
  let failures = options.failFirst ?? 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (failures > 0) {
        failures--;
        response.writeHead(503).end();
        return;
      }
      const rawBody = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        rawBody,
        body: JSON.parse(rawBody) as CustomResourceResponse,
      });
      response.writeHead(200).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    received,
    /** A response URL shaped like CloudFormation's (a pre-signed S3 URL). */
    url: (key = 'response') =>
      `http://127.0.0.1:${port}/cfn-responses/${key}?X-Amz-Signature=not-a-real-signature`,
    /** The one response received, failing the test when there is not exactly one. */
    only(): ReceivedResponse {
      if (received.length !== 1) throw new Error(`expected one response, got ${received.length}`);
      return received[0] as ReceivedResponse;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export type ResponseServer = Awaited<ReturnType<typeof startResponseServer>>;

const STACK_ID =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/WarrenBroker-b1/5b1e0b40-0000-11ef-8000-0a1b2c3d4e5f';

/** A custom resource request as CloudFormation sends one. */
export function customResourceRequest(
  responseUrl: string,
  request:
    | { RequestType: 'Create'; ResourceProperties: Record<string, unknown> }
    | {
        RequestType: 'Update';
        PhysicalResourceId: string;
        ResourceProperties: Record<string, unknown>;
        OldResourceProperties: Record<string, unknown>;
      }
    | {
        RequestType: 'Delete';
        PhysicalResourceId: string;
        ResourceProperties: Record<string, unknown>;
      },
  resourceType = 'Custom::WarrenBroker',
) {
  const serviceToken = 'arn:aws:lambda:eu-west-1:123456789012:function:warren-registration';
  return {
    ServiceToken: serviceToken,
    ResponseURL: responseUrl,
    StackId: STACK_ID,
    RequestId: crypto.randomUUID(),
    LogicalResourceId: 'Registration',
    ResourceType: resourceType,
    ...request,
    ResourceProperties: { ServiceToken: serviceToken, ...request.ResourceProperties },
    ...('OldResourceProperties' in request && {
      OldResourceProperties: { ServiceToken: serviceToken, ...request.OldResourceProperties },
    }),
  };
}
