import {
  type APIGatewayProxyResult,
  handle,
  type LambdaContext,
  type LambdaEvent,
} from 'hono/aws-lambda';
import type { PublishRequestRecord } from '../service/publish-metrics.js';
import type { PublishResponse, PublishService } from '../service/publish-service.js';
import { startRequest } from '../service/publish-tally.js';
import { createApp } from './app.js';
import { type ErrorBody, errorOutcome, resultsOutcome } from './error-table.js';

/**
 * What a direct invoke returns: the HTTP response's JSON body plus the status
 * it would have had (`statusCode` 503 means retry after a second).
 */
export type DirectInvokeResponse = (PublishResponse | ErrorBody) & { readonly statusCode: number };

export interface LambdaHandler {
  (event: LambdaEvent, context?: LambdaContext): Promise<APIGatewayProxyResult>;
  (event: unknown, context?: LambdaContext): Promise<DirectInvokeResponse>;
}

/**
 * The publish Lambda's handler. Hono's `handle` takes any event for an HTTP
 * one, so the event's shape decides: a function URL or API Gateway v2 event
 * (`requestContext.http`), or an API Gateway v1 / ALB event (`httpMethod`),
 * goes to the HTTP app; anything else is a direct invoke whose payload is a
 * publish request, answered through the same error table.
 *
 * @example export const handler = createLambdaHandler(createPublishService(settings, deps));
 */
export interface LambdaHandlerOptions {
  /** Told once per request, after it is answered (the publish Lambda logs and meters it). */
  readonly onRequest?: (record: PublishRequestRecord) => void;
  /** Milliseconds for the request's duration. Default `performance.now`. */
  readonly now?: () => number;
}

export function createLambdaHandler(
  service: PublishService,
  options: LambdaHandlerOptions = {},
): LambdaHandler {
  const { onRequest } = options;
  const now = options.now ?? (() => performance.now());
  const http = handle(
    createApp(service, {
      ...(onRequest && { onRequest, elapsed: now }),
      requestIdOf: (c) =>
        (c.env as { lambdaContext?: LambdaContext } | undefined)?.lambdaContext?.awsRequestId,
    }),
  );
  const directInvoke = async (payload: unknown, context?: LambdaContext) => {
    const request = onRequest && startRequest(now);
    let answer: { status: number; body: PublishResponse | ErrorBody };
    try {
      answer = resultsOutcome(await service.publish(payload, { telemetry: request?.telemetry }));
    } catch (error) {
      answer = errorOutcome(error, service.reportInternalError);
    }
    if (request && onRequest) {
      const requestId = context?.awsRequestId ?? crypto.randomUUID();
      onRequest(request.finish({ requestId, transport: 'invoke', status: answer.status }));
    }
    return { statusCode: answer.status, ...answer.body };
  };
  const dispatch = (
    event: unknown,
    context?: LambdaContext,
  ): Promise<APIGatewayProxyResult | DirectInvokeResponse> =>
    isHttpEvent(event) ? http(event, context) : directInvoke(event, context);
  return dispatch as LambdaHandler;
}

function isHttpEvent(event: unknown): event is LambdaEvent {
  if (!isObject(event)) return false;
  const { requestContext } = event;
  return (isObject(requestContext) && 'http' in requestContext) || 'httpMethod' in event;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
