import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { MessageResult, Publisher } from '../publish/publisher.js';
import type { Topology } from '../topology/topology.js';
import { type ErrorBody, toApiError } from './api-error.js';
import { resolveDestination } from './destinations.js';
import type { PublishLimits } from './publish-limits.js';
import { parsePublishRequest } from './publish-request.js';

export interface PublishDeps {
  readonly publisher: Publisher;
  /** The declared topology; only its queues and exchanges can be published to. */
  readonly topology: Topology;
  readonly limits: PublishLimits;
  /** The publisher's budget for one request, failover retries included. */
  readonly deadlineMs: number;
  /** Receives errors that became a 500, which callers only see as `internal_error`. */
  readonly onInternalError?: ((error: unknown) => void) | undefined;
}

export interface PublishResponse {
  readonly results: MessageResult[];
}

/** What a publish request gets, whether it came over HTTP or as a direct invoke. */
export interface PublishOutcome {
  readonly status: ContentfulStatusCode;
  readonly body: PublishResponse | ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Validates a publish request (already parsed JSON), checks its destination
 * against the topology and publishes it. Never throws: bad input is a 4xx
 * error body and never reaches the publisher; results are 200 when every
 * message was accepted, 207 when some were; when none: 422 if every message was
 * unroutable, else 503 with `Retry-After`.
 *
 * @example
 * const { status, body } = await handlePublish({ queue: 'tasks', messages: [{ body: 1 }] }, deps);
 */
export async function handlePublish(json: unknown, deps: PublishDeps): Promise<PublishOutcome> {
  try {
    const request = parsePublishRequest(json, deps.limits);
    const destination = resolveDestination(request, deps.topology);
    const results = await deps.publisher.publish(destination, request.messages, {
      deadlineMs: deps.deadlineMs,
    });
    if (results.length !== request.messages.length) {
      throw new Error(
        `publisher returned ${results.length} results for ${request.messages.length} messages`,
      );
    }
    return resultsOutcome(results.map(toWireResult));
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.code === 'internal_error') deps.onInternalError?.(error);
    return {
      status: apiError.status,
      body: { error: { code: apiError.code, message: apiError.message } },
      headers: apiError.headers,
    };
  }
}

/**
 * 200 all accepted, 207 some; none accepted: 422 when every message was
 * refused for its own sake (unroutable: sending it again cannot help), else
 * 503 with `Retry-After`.
 */
function resultsOutcome(results: MessageResult[]): PublishOutcome {
  const accepted = results.filter((result) => result.status === 'accepted').length;
  if (accepted === results.length) return { status: 200, body: { results }, headers: {} };
  if (accepted > 0) return { status: 207, body: { results }, headers: {} };
  if (results.every((result) => result.status === 'failed' && result.code === 'unroutable'))
    return { status: 422, body: { results }, headers: {} };
  return { status: 503, body: { results }, headers: { 'Retry-After': '1' } };
}

/** Exactly the contract's fields, whatever else the publisher's results carry. */
function toWireResult(result: MessageResult): MessageResult {
  return result.status === 'accepted'
    ? { id: result.id, status: 'accepted', node: result.node }
    : { id: result.id, status: 'failed', code: result.code, error: result.error };
}
