import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RegistryUnavailableError } from '../registry/health-registry.js';
import {
  PublishRequestError,
  type PublishRequestProblem,
} from '../service/publish-request-error.js';
import type { PublishResponse } from '../service/publish-service.js';
import { HttpRequestError, type HttpRequestProblem } from './http-request-error.js';

/**
 * The one place warren chooses HTTP statuses: for every domain error, every
 * refusal of the HTTP layer, and a publish's results. Hono's `onError` and the
 * Lambda's direct invoke both answer through it.
 */

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** A response before it is written: the HTTP app sends it, a direct invoke returns it as JSON. */
export interface Outcome<Body> {
  readonly status: ContentfulStatusCode;
  readonly body: Body;
  readonly headers: Readonly<Record<string, string>>;
}

const REQUEST_STATUS: Record<PublishRequestProblem, ContentfulStatusCode> = {
  malformed_json: 400,
  invalid_request: 400,
  too_many_messages: 413,
  message_too_large: 413,
  unknown_destination: 404,
  // The request is well-formed; what it asks for cannot be delivered.
  unroutable: 422,
};

const HTTP_STATUS: Record<HttpRequestProblem, ContentfulStatusCode> = {
  unsupported_media_type: 415,
  request_too_large: 413,
  method_not_allowed: 405,
  not_found: 404,
};

// One second: the registry cache refreshes within that, and a caller must not spin.
const RETRY_SOON = { 'Retry-After': '1' };

/**
 * The JSON error a caller gets for `error`. An error no row names is a 500
 * `internal_error` whose message and stack stay in the logs: `onInternal` gets it.
 *
 * @example errorOutcome(new PublishRequestError('unroutable', 'no binding matches "a.b"')).status // 422
 */
export function errorOutcome(
  error: unknown,
  onInternal?: (error: unknown) => void,
): Outcome<ErrorBody> {
  const answer = (
    status: ContentfulStatusCode,
    code: string,
    message: string,
    headers: Readonly<Record<string, string>> = {},
  ): Outcome<ErrorBody> => ({ status, body: { error: { code, message } }, headers });
  if (error instanceof PublishRequestError)
    return answer(REQUEST_STATUS[error.problem], error.problem, error.message);
  if (error instanceof HttpRequestError)
    return answer(HTTP_STATUS[error.problem], error.problem, error.message, error.headers);
  if (error instanceof RegistryUnavailableError)
    return answer(
      503,
      'registry_unavailable',
      'the broker registry cannot be read right now',
      RETRY_SOON,
    );
  if (error instanceof HTTPException)
    return answer(
      error.status as ContentfulStatusCode,
      'bad_request',
      error.message || 'bad request',
    );
  onInternal?.(error);
  return answer(500, 'internal_error', 'internal error');
}

/**
 * 200 all accepted, 207 some; none accepted: 422 when every message was
 * refused for its own sake (unroutable: sending it again cannot help), else
 * 503 with `Retry-After`.
 *
 * @example resultsOutcome({ results: [{ id: 'a', status: 'accepted', node: 'b1', nodes: ['b1'] }] }).status // 200
 */
export function resultsOutcome(response: PublishResponse): Outcome<PublishResponse> {
  const { results } = response;
  const accepted = results.filter((result) => result.status === 'accepted').length;
  const answer = (status: ContentfulStatusCode, headers = {}) => ({
    status,
    body: response,
    headers,
  });
  if (accepted === results.length) return answer(200);
  if (accepted > 0) return answer(207);
  if (results.every((result) => result.status === 'failed' && result.code === 'unroutable'))
    return answer(422);
  return answer(503, RETRY_SOON);
}

/** Writes an outcome as the JSON response. */
export function send(c: Context, outcome: Outcome<unknown>): Response {
  return c.json(outcome.body, outcome.status, { ...outcome.headers });
}
