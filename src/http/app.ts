import { Hono } from 'hono';
import type { PublishService } from '../service/publish-service.js';
import { errorOutcome, send } from './error-table.js';
import { HttpRequestError } from './http-request-error.js';
import { toNodeView } from './node-view.js';
import { createOpenApiDocument } from './openapi-document.js';
import { registerPublishRoute } from './publish-route.js';

export interface AppOptions {
  /** Milliseconds since the epoch, for node staleness; injected so that tests control time. */
  readonly now?: () => number;
}

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
export function createApp(service: PublishService, options: AppOptions = {}): Hono {
  const now = options.now ?? Date.now;
  const app = new Hono();

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
    const view = await service.fleet.read();
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
