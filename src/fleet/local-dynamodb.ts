import type { AddressInfo } from 'node:net';

export interface LocalDynamoDb {
  /** e.g. `http://127.0.0.1:41234`; pass as `AWS_ENDPOINT_URL_DYNAMODB` or the client's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite, the embedded DynamoDB-compatible server, in this process and in memory.
 * It has no TTL, transactions or PartiQL, so warren depends on none of them.
 *
 * @example const db = await startLocalDynamoDb(); process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
 */
export async function startLocalDynamoDb(options: { port?: number } = {}): Promise<LocalDynamoDb> {
  // Imported here, not at module scope: dynalite (and its LevelDB stack) is for `warren dev` and
  // tests only, and a module that merely imports this one (the CLI's entry) must not load it.
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
