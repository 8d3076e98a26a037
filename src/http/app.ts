import { Hono } from 'hono';
import type { Publisher } from '../publish/publisher.js';
import type { CachedFleetView } from '../registry/cached-fleet-view.js';
import type { Topology } from '../topology/topology.js';
import { ApiError, errorResponse, toApiError } from './api-error.js';
import { toNodeView } from './node-view.js';
import { DEFAULT_PUBLISH_LIMITS, type PublishLimits } from './publish-limits.js';
import { registerPublishRoute } from './publish-route.js';

export interface AppOptions {
  /** The registry as publishers see it: cached, refreshed in the background, last known good on failure. */
  readonly fleet: CachedFleetView;
  /** The prober's interval; readers call a broker stale after three of them without a probe. */
  readonly probeIntervalMs: number;
  readonly now?: () => number;
  /** Publishes `POST /v1/publish`. */
  readonly publisher: Publisher;
  /** The declared topology: only its queues and non-internal exchanges outside `warren.*` can be published to. */
  readonly topology: Topology;
  /** Default 500 messages, 256 KiB per message, 5 MiB per request. */
  readonly limits?: PublishLimits;
  /** The publisher's budget per request, failover included. Default 5 000 ms. */
  readonly deadlineMs?: number;
  /** Receives errors that became a 500, which callers only see as `internal_error`. */
  readonly onInternalError?: (error: unknown) => void;
}

/**
 * The warren HTTP API, served by the publish Lambda and by the local fleet.
 *
 * @example
 * const app = createApp({ fleet: createCachedFleetView({ registry, ttlMs: 2_000, clock: Date.now }), probeIntervalMs: 2_000 });
 * const response = await app.request('/v1/nodes');
 */
export function createApp(options: AppOptions): Hono {
  const now = options.now ?? Date.now;
  const app = new Hono();

  app.get('/healthz', async (c) => {
    try {
      const view = await options.fleet.read();
      const registry =
        view.source === 'last-known-good'
          ? { reachable: false, source: view.source, error: view.error.message }
          : { reachable: true, source: view.source };
      return c.json({
        status: 'ready',
        registry: { ...registry, nodes: view.snapshot.nodes.length },
      });
    } catch (error) {
      const { message } = toApiError(error);
      return c.json({ status: 'unready', registry: { reachable: false, error: message } }, 503);
    }
  });

  app.get('/v1/nodes', async (c) => {
    const view = await options.fleet.read();
    const at = now();
    return c.json({
      nodes: view.snapshot.nodes.map((node) => toNodeView(node, at, options.probeIntervalMs)),
      rejected: view.snapshot.rejected,
      source: view.source,
      fetchedAt: new Date(view.fetchedAtMs).toISOString(),
      ...(view.source === 'last-known-good' && { registryError: view.error.message }),
    });
  });

  registerPublishRoute(app, {
    publisher: options.publisher,
    topology: options.topology,
    limits: options.limits ?? DEFAULT_PUBLISH_LIMITS,
    deadlineMs: options.deadlineMs ?? 5_000,
    onInternalError: options.onInternalError,
  });

  for (const path of ['/healthz', '/v1/nodes']) {
    app.all(path, (c) => {
      throw new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed on ${path}`, {
        Allow: 'GET, HEAD',
      });
    });
  }

  app.notFound((c) =>
    errorResponse(c, new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500 && apiError.code === 'internal_error')
      options.onInternalError?.(error);
    return errorResponse(c, apiError);
  });
  return app;
}
