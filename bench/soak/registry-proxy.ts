/** A TCP proxy between the API/prober and dynalite that can black-hole the registry without losing it. */
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface RegistryProxy {
  /** `http://127.0.0.1:<proxy port>`: what the registry clients are given instead of dynalite's endpoint. */
  readonly endpoint: string;
  /** Drops every open connection; new ones are accepted and then hear nothing until `restore()`. */
  cut(): void;
  /** Forwards again; connections held while cut are closed, so clients reconnect. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * Starts the proxy on a free loopback port in front of `target` (dynalite's
 * endpoint). A cut registry looks like a partition: connects succeed at the
 * kernel, requests time out. dynalite keeps the table in memory throughout.
 */
export async function startRegistryProxy(target: string): Promise<RegistryProxy> {
  const { hostname, port: targetPort } = new URL(target);
  if (hostname !== '127.0.0.1') throw new Error(`registry proxy: ${hostname} is not loopback`);
  const open = new Set<Socket>();
  const held = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    open.add(client);
    client.on('error', () => undefined).on('close', () => open.delete(client));
    if (cut) {
      held.add(client);
      client.pause();
      return;
    }
    const upstream = connect(Number(targetPort), hostname);
    open.add(upstream);
    upstream.on('error', () => undefined).on('close', () => open.delete(upstream));
    client.pipe(upstream).on('close', () => client.destroy());
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      cut = false;
      for (const socket of held) socket.destroy();
      held.clear();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}
