import type { Hono } from 'hono';
import {
  type APIGatewayProxyResult,
  handle,
  type LambdaContext,
  type LambdaEvent,
} from 'hono/aws-lambda';
import type { ErrorBody } from './api-error.js';
import type { PublishOutcome, PublishResponse } from './handle-publish.js';

/**
 * What a direct invoke returns: the HTTP response's JSON body plus the status
 * it would have had (`statusCode` 503 means retry after a second).
 */
export type DirectInvokeResponse = (PublishResponse | ErrorBody) & { readonly statusCode: number };

/** Runs a direct-invoke payload, the same JSON as a `POST /v1/publish` body. */
export type DirectInvoke = (payload: unknown) => Promise<PublishOutcome>;

export interface LambdaHandler {
  (event: LambdaEvent, context?: LambdaContext): Promise<APIGatewayProxyResult>;
  (event: unknown, context?: LambdaContext): Promise<DirectInvokeResponse>;
}

/**
 * The publish Lambda's handler. Hono's `handle` takes any event for an HTTP
 * one, so the event's shape decides: a function URL or API Gateway v2 event
 * (`requestContext.http`), or an API Gateway v1 / ALB event (`httpMethod`),
 * goes to the app; anything else is a direct invoke whose payload is a
 * publish request.
 *
 * @example
 * export const handler = createLambdaHandler(app, (payload) => handlePublish(payload, deps));
 */
export function createLambdaHandler(app: Hono, directInvoke: DirectInvoke): LambdaHandler {
  const http = handle(app);
  const dispatch = async (
    event: unknown,
    context?: LambdaContext,
  ): Promise<APIGatewayProxyResult | DirectInvokeResponse> => {
    if (isHttpEvent(event)) return http(event, context);
    const { status, body } = await directInvoke(event);
    return { statusCode: status, ...body };
  };
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
