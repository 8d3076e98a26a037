import { createServer, type Socket } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';

/** Accepts connections and never answers: a registry that went silent with its sockets open. */
const sockets: Socket[] = [];
const silent = createServer((socket) => {
  sockets.push(socket);
  socket.on('error', () => undefined);
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((closed) => silent.close(closed));
});

describe('the registry DynamoDB client', () => {
  it('fails a request to a registry that accepts and never answers, within its timeouts', async () => {
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    const { port } = silent.address() as { port: number };
    const { client } = createDynamoDbClients({ endpoint: `http://127.0.0.1:${port}` });
    const started = performance.now();

    const error = await client.send(new ListTablesCommand({})).catch((e: unknown) => e);

    // 3 attempts of at most 5 s each, and the SDK's backoff between them.
    expect(error).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(20_000);
    client.destroy();
  }, 30_000);
});
