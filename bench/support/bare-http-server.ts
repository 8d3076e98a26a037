import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A node:http server doing no work: the floor of an HTTP round trip, in the process that runs the API. */
export interface BareHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

const ANSWER = Buffer.from('{"results":[]}');

/**
 * Reads each request's body whole and answers 200 with a fixed JSON body,
 * keep-alive: what an HTTP publish costs before any parsing, routing or
 * publishing, for the latency goal "HTTP p50 <= bare round trip + raw p50 + 0.2 ms".
 *
 * @example const bare = await startBareHttpServer(); await fetch(bare.url, { method: 'POST', body });
 */
export async function startBareHttpServer(): Promise<BareHttpServer> {
  const server = createServer((request, response) => {
    request.on('data', () => undefined);
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': ANSWER.length,
      });
      response.end(ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
