import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** The HTTP port is taken; `port` says which. */
export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number, options?: ErrorOptions) {
    super(`port ${port} is already in use: pass another with --port (0 picks a free one)`, options);
    this.name = 'PortInUseError';
    this.port = port;
  }
}

export interface ServedApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves a Hono app (or any fetch handler) on Node's HTTP server; resolves once it listens. */
export async function serveApp(
  app: { readonly fetch: (request: Request) => Response | Promise<Response> },
  options: { port: number; hostname: string },
): Promise<ServedApp> {
  const server = serve({ fetch: app.fetch, port: options.port, hostname: options.hostname });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new PortInUseError(options.port, { cause: error }) : error,
      ),
    );
    server.once('listening', () => resolve(server.address() as AddressInfo));
  });
  return {
    url: `http://${options.hostname}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
