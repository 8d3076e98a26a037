import {
  type APIGatewayProxyResult,
  handle,
  type LambdaContext,
  type LambdaEvent,
} from 'hono/aws-lambda';
import type { PublishResponse, PublishService } from '../service/publish-service.js';
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
export function createLambdaHandler(service: PublishService): LambdaHandler {
  const http = handle(createApp(service));
  const directInvoke = async (payload: unknown) => {
    try {
      return resultsOutcome(await service.publish(payload));
    } catch (error) {
      return errorOutcome(error, service.reportInternalError);
    }
  };
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
