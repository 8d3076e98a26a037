import type { PublishTelemetry } from '../publish/publish-telemetry.js';
import type { MessageResult, Publisher } from '../publish/publisher.js';
import type { CachedFleetView } from '../registry/cached-fleet-view.js';
import type { Topology } from '../topology/topology.js';
import { resolveDestination } from './destinations.js';
import type { PublishLimits } from './publish-limits.js';
import {
  type PublishRequest,
  parsePublishRequest,
  parsePublishRequestBytes,
} from './publish-request.js';
import { DEFAULT_PUBLISH_SETTINGS } from './publish-settings.js';

/** What a publish request gets back: one result per message, in request order. */
export interface PublishResponse {
  readonly results: MessageResult[];
}

/**
 * The edge publisher without a transport: what the HTTP app and the Lambda's
 * direct invoke both call. Knows no status code; refuses bad input with a
 * {@link PublishRequestError} and an unreadable registry with a
 * `RegistryUnavailableError`, which each transport maps itself.
 */
export interface PublishService {
  /** The registry as this service routes on: cached, refreshed in the background. */
  readonly fleet: CachedFleetView;
  /**
   * The broker items as operators see them (`GET /v1/nodes`): every field, where
   * `fleet` may hold only what routing needs (the fleet snapshot).
   */
  readonly nodes: CachedFleetView;
  /** The prober's interval; readers call a broker stale after three of them without a probe. */
  readonly probeIntervalMs: number;
  readonly limits: PublishLimits;
  /**
   * Validates a publish request (parsed JSON: a direct invoke's payload),
   * checks its destination against the topology and publishes it;
   * `telemetry` is told what the publisher did (a request that fails
   * validation never reaches it).
   */
  publish(request: unknown, options?: PublishCallOptions): Promise<PublishResponse>;
  /**
   * {@link PublishService.publish} for a request still in its bytes (the HTTP
   * body): parsed and validated in one pass, each message's body sent to the
   * broker as the bytes the caller sent; bytes that are not UTF-8 JSON are
   * refused as `malformed_json`.
   */
  publishBytes(request: Uint8Array, options?: PublishCallOptions): Promise<PublishResponse>;
  /** Told of every error that reached a caller only as `internal_error`. */
  reportInternalError(error: unknown): void;
}

export interface PublishCallOptions {
  readonly telemetry?: PublishTelemetry | undefined;
}

export interface PublishServiceParts {
  readonly fleet: CachedFleetView;
  /** What `GET /v1/nodes` shows. Default `fleet`. */
  readonly nodes?: CachedFleetView;
  readonly publisher: Publisher;
  /** The declared topology; only its queues and exchanges can be published to. */
  readonly topology: Topology;
  readonly probeIntervalMs: number;
  /** Default {@link DEFAULT_PUBLISH_SETTINGS}' limits. */
  readonly limits?: PublishLimits;
  /** The budget of one request, failover retries included. Default 5 000 ms. */
  readonly deadlineMs?: number;
  readonly onInternalError?: ((error: unknown) => void) | undefined;
}

/**
 * The request path over parts already built; {@link createPublishService}
 * builds them from settings.
 *
 * @example
 * const service = publishService({ fleet, publisher, topology, probeIntervalMs: 15_000 });
 * const { results } = await service.publish({ queue: 'tasks', messages: [{ body: { job: 1 } }] });
 */
export function publishService(parts: PublishServiceParts): PublishService {
  const limits = parts.limits ?? DEFAULT_PUBLISH_SETTINGS.limits;
  const deadlineMs = parts.deadlineMs ?? DEFAULT_PUBLISH_SETTINGS.deadlineMs;
  const publishParsed = async (
    request: PublishRequest,
    options: PublishCallOptions | undefined,
  ) => {
    const destination = resolveDestination(request, parts.topology);
    const results = await parts.publisher.publish(destination, request.messages, {
      deadlineMs,
      telemetry: options?.telemetry,
      ...(request.replicas !== undefined && { replicas: request.replicas }),
    });
    if (results.length !== request.messages.length) {
      throw new Error(
        `publisher returned ${results.length} results for ${request.messages.length} messages`,
      );
    }
    return { results: results.map(toWireResult) };
  };
  return {
    fleet: parts.fleet,
    nodes: parts.nodes ?? parts.fleet,
    probeIntervalMs: parts.probeIntervalMs,
    limits,
    publish: (json, options) => publishParsed(parsePublishRequest(json, limits), options),
    publishBytes: (bytes, options) =>
      publishParsed(parsePublishRequestBytes(bytes, limits), options),
    reportInternalError: (error) => parts.onInternalError?.(error),
  };
}

/** Exactly the contract's fields, whatever else the publisher's results carry. */
function toWireResult(result: MessageResult): MessageResult {
  return result.status === 'accepted'
    ? { id: result.id, status: 'accepted', node: result.node, nodes: result.nodes }
    : { id: result.id, status: 'failed', code: result.code, error: result.error };
}
