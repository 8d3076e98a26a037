import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { MessageResult } from '../publish/publisher.js';
import { apiErrorFrom, WarrenApiError } from './warren-api-error.js';
import type { PublishRequestBody, PublishResult } from './warren-client.js';

export interface DirectInvokePublisherOptions {
  /** The publish Lambda's name, ARN or alias ARN. */
  readonly functionName: string;
  /** Default: a LambdaClient with the SDK's default region and credentials. */
  readonly client?: LambdaClient;
}

export interface DirectInvokePublisher {
  /** Same results and errors as the HTTP client's publish. */
  publish(request: PublishRequestBody): Promise<PublishResult>;
}

/**
 * Publishes by invoking the publish Lambda directly (IAM `lambda:InvokeFunction`,
 * no function URL). The handler answers with the HTTP body plus `statusCode`;
 * this turns that into the HTTP client's result or WarrenApiError.
 *
 * @example
 * const warren = createDirectInvokePublisher({ functionName: 'warren-publish' });
 * await warren.publish({ queue: 'tasks', messages: [{ body: { job: 1 } }] });
 */
export function createDirectInvokePublisher(
  options: DirectInvokePublisherOptions,
): DirectInvokePublisher {
  const client = options.client ?? new LambdaClient({});
  return {
    async publish(request) {
      const output = await client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
      );
      const text = output.Payload ? new TextDecoder().decode(output.Payload) : '';
      if (output.FunctionError)
        throw new WarrenApiError(
          500,
          'function_error',
          `the function failed: ${text.slice(0, 200)}`,
        );
      const { statusCode, ...body } = JSON.parse(text) as { statusCode: number } & Record<
        string,
        unknown
      >;
      if (statusCode !== 200 && statusCode !== 207)
        // A direct invoke has no headers: the error table's Retry-After is one second on every 503.
        throw apiErrorFrom(statusCode, body, statusCode === 503 ? '1' : undefined);
      return { status: statusCode, results: (body as { results: MessageResult[] }).results };
    },
  };
}
