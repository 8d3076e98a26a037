/**
 * The HTTP API alone in a process of its own, as the publish Lambda runs it:
 * `createPublishService` over the fleet's registry and brokers, `createApp`,
 * served by `serveApp`, with no prober or registry server beside it (the
 * fleet's own API shares its process with both, whose background work, about
 * 180 ms of CPU a second here, would count as the API's). A bare node:http
 * server in the same process gives HTTP's own round trip and, when asked for,
 * two reference publishers the least an HTTP publish costs (reference-publishers.ts).
 */
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import { LOCAL_CREDENTIALS } from '../../src/fleet/local-brokers.js';
import { createApp } from '../../src/http/app.js';
import { serveApp } from '../../src/http/serve-app.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { createPublishService } from '../../src/service/create-publish-service.js';
import { startBareHttpServer } from './bare-http-server.js';
import { forkHost, serveHost } from './forked-host.js';
import { startReferencePublishers } from './reference-publishers.js';

export interface ApiAddresses {
  readonly apiUrl: string;
  /** A node:http server in the API's process that answers without work (bare-http-server.ts). */
  readonly bareHttpUrl: string;
  /** With `references`: the reference publishers' base URLs, on node:http alone and as a Hono route. */
  readonly referenceUrls?: { readonly node: string; readonly hono: string };
}

export interface ApiHandle extends ApiAddresses {
  /** CPU time of the API's process. */
  hostCpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** In the forked child: serves the API over the fleet described by `fleetJson`, and the reference publishers with `references`. */
export async function hostApi(
  fleetJson: string,
  options: { readonly references?: boolean } = {},
): Promise<void> {
  await serveHost<ApiAddresses>(async () => {
    const fleet = JSON.parse(fleetJson) as FleetDescription;
    const clients = createDynamoDbClients({ endpoint: fleet.registry.endpoint });
    const registry = new DynamoDbHealthRegistry({
      client: clients.documentClient,
      tableName: fleet.registry.tableName,
    });
    const service = createPublishService(
      { probeIntervalMs: fleet.probeIntervalMs, topology: fleet.topology },
      { registry, credentialsFor: async () => LOCAL_CREDENTIALS },
    );
    const api = await serveApp(createApp(service), { port: 0, hostname: '127.0.0.1' });
    const bare = await startBareHttpServer();
    const references = options.references ? await startReferencePublishers(fleet) : undefined;
    return {
      ready: {
        apiUrl: api.url,
        bareHttpUrl: bare.url,
        ...(references && {
          referenceUrls: { node: references.nodeUrl, hono: references.honoUrl },
        }),
      },
      async stop() {
        await Promise.all([api.close(), bare.close(), references?.close()]);
        await service.close();
        clients.client.destroy();
      },
    };
  });
}

/** Forks `entry` (a bench file that calls `hostApi` on `--api-host <fleet JSON>`) and waits for the API. */
export async function startApiChild(entry: string, fleet: FleetDescription): Promise<ApiHandle> {
  const host = await forkHost<ApiAddresses>(
    entry,
    ['--api-host', JSON.stringify(fleet)],
    'API host',
  );
  return { ...host.ready, hostCpuMs: () => host.cpuMs(), stop: () => host.stop() };
}
