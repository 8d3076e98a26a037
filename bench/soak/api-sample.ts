/** What the soak samples of its own (the API's) process once a minute: heap after a full GC, handles, broker connections. */
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface ApiSample {
  readonly minute: number;
  readonly heapMb: number;
  /** No fault on, and none undone in the last seconds: the samples the flatness invariants judge. */
  readonly quiet: boolean;
  readonly handles: number;
  /** The handles by kind (`TCPSocketWrap`, `Timeout`, …). */
  readonly handleKinds: Readonly<Record<string, number>>;
  /** Established TCP connections to each broker's AMQP port (publisher and prober, both in this process). */
  readonly connections: Readonly<Record<string, number>>;
}

/** `global.gc` when run with --expose-gc; otherwise the flag is set now and gc taken from a fresh context. */
function findGc(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const gc = findGc();
export const heapAfterGc = gc !== undefined;

/** Counts ESTABLISHED sockets whose remote port is `port`, from /proc/net/tcp (loopback brokers: only clients match). */
async function connectionsTo(ports: ReadonlyMap<string, number>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const id of ports.keys()) counts[id] = 0;
  const byPort = new Map([...ports].map(([id, port]) => [port, id]));
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const remote = fields[2];
      if (!remote || fields[3] !== '01') continue;
      const id = byPort.get(Number.parseInt(remote.split(':')[1] ?? '', 16));
      if (id) counts[id] = (counts[id] ?? 0) + 1;
    }
  }
  return counts;
}

export async function sampleApi(
  minute: number,
  amqpPorts: ReadonlyMap<string, number>,
  quiet: boolean,
): Promise<ApiSample> {
  gc?.();
  const resources = process.getActiveResourcesInfo();
  const handleKinds: Record<string, number> = {};
  for (const kind of resources) handleKinds[kind] = (handleKinds[kind] ?? 0) + 1;
  return {
    minute,
    quiet,
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    handles: resources.length,
    handleKinds,
    connections: await connectionsTo(amqpPorts),
  };
}
