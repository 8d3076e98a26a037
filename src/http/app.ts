import { type Context, Hono } from 'hono';
import type { PublishTelemetry } from '../publish/publish-telemetry.js';
import type { PublishRequestRecord } from '../service/publish-metrics.js';
import type { PublishService } from '../service/publish-service.js';
import { startRequest } from '../service/publish-tally.js';
import { errorOutcome, send } from './error-table.js';
import { HttpRequestError } from './http-request-error.js';
import { toNodeView } from './node-view.js';
import { createOpenApiDocument } from './openapi-document.js';
import { registerPublishRoute } from './publish-route.js';

export interface AppOptions {
  /** Milliseconds since the epoch, for node staleness; injected so that tests control time. */
  readonly now?: () => number;
  /**
   * Told once per request, after it is answered: its id, status, message
   * counts, what the publisher did and its duration (the log line and metrics).
   */
  readonly onRequest?: (record: PublishRequestRecord) => void;
  /** A request's id; where it gives none, the caller's `x-request-id` if sane, else a random UUID. */
  readonly requestIdOf?: (c: Context) => string | undefined;
  /** Milliseconds for request durations. Default `performance.now`. */
  readonly elapsed?: () => number;
}

/** What a route may read from the request's context: the publish call's telemetry, when recorded. */
export interface AppEnv {
  Variables: { telemetry?: PublishTelemetry };
}

/** A caller's request id is echoed and logged only when it is a short plain token. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The warren HTTP API over a publish service, served by the publish Lambda
 * and by the local fleet: `POST /v1/publish`, `GET /v1/nodes`, `GET /healthz`,
 * `GET /openapi.json`.
 * Every error leaves through `onError` and the one error table.
 *
 * @example
 * const app = createApp(createPublishService({ registry, credentialsFor }));
 * const response = await app.request('/v1/nodes');
 */
export function createApp(service: PublishService, options: AppOptions = {}): Hono<AppEnv> {
  const now = options.now ?? Date.now;
  const app = new Hono<AppEnv>();

  const { onRequest } = options;
  if (onRequest) {
    const elapsed = options.elapsed ?? (() => performance.now());
    app.use(async (c, next) => {
      const request = startRequest(elapsed);
      const asked = c.req.header('x-request-id');
      const requestId =
        options.requestIdOf?.(c) ??
        (asked !== undefined && CLIENT_REQUEST_ID.test(asked) ? asked : crypto.randomUUID());
      c.set('telemetry', request.telemetry);
      // Before the answer exists: set on a finished Response, a header turns
      // @hono/node-server's lightweight Response into a full one (measured).
      c.header('x-request-id', requestId);
      await next();
      onRequest(request.finish({ requestId, transport: 'http', status: c.res.status }));
    });
  }

  app.get('/healthz', async (c) => {
    try {
      const view = await service.fleet.read();
      const registry =
        view.source === 'last-known-good'
          ? { reachable: false, source: view.source, error: view.error.message }
          : { reachable: true, source: view.source };
      return c.json({
        status: 'ready',
        registry: { ...registry, nodes: view.snapshot.nodes.length },
      });
    } catch (error) {
      const { message } = errorOutcome(error, service.reportInternalError).body.error;
      return c.json({ status: 'unready', registry: { reachable: false, error: message } }, 503);
    }
  });

  app.get('/v1/nodes', async (c) => {
    const view = await service.nodes.read();
    const at = now();
    return c.json({
      nodes: view.snapshot.nodes.map((node) => toNodeView(node, at, service.probeIntervalMs)),
      rejected: view.snapshot.rejected,
      source: view.source,
      fetchedAt: new Date(view.fetchedAtMs).toISOString(),
      ...(view.source === 'last-known-good' && { registryError: view.error.message }),
    });
  });

  const openApi = createOpenApiDocument();
  app.get('/openapi.json', (c) => c.json(openApi));

  registerPublishRoute(app, service);

  for (const path of ['/healthz', '/v1/nodes', '/openapi.json']) {
    app.all(path, (c) => {
      throw new HttpRequestError(
        'method_not_allowed',
        `${c.req.method} is not allowed on ${path}`,
        { Allow: 'GET, HEAD' },
      );
    });
  }

  app.notFound((c) =>
    send(
      c,
      errorOutcome(new HttpRequestError('not_found', `no route for ${c.req.method} ${c.req.path}`)),
    ),
  );
  app.onError((error, c) => send(c, errorOutcome(error, service.reportInternalError)));
  return app;
}
