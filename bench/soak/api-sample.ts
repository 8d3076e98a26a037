/** What the soak samples of its own (the API's) process once a minute: heap after a full GC, handles at rest, broker connections. */
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface ApiSample {
  readonly minute: number;
  readonly heapMb: number;
  /** No fault on, and none undone in the last seconds: the samples the flatness invariants judge. */
  readonly quiet: boolean;
  /** The fewest handles (less `clientConnections`) of a few readings over 3 s. */
  readonly handles: number;
  /**
   * The load client's keep-alive connections to the API, among `handles`: as
   * many as requests overlapped in the last few seconds, so they follow the
   * load, not a leak; the handles invariant judges `handles` less these.
   */
  readonly clientConnections: number;
  /** The handles by kind (`TCPSocketWrap`, `Timeout`, …). */
  readonly handleKinds: Readonly<Record<string, number>>;
  /** Established TCP connections to each broker's AMQP port (publisher and prober, both in this process), the most of any reading. */
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

/** The ports of ESTABLISHED sockets on this machine, local and remote, from /proc/net/tcp. */
async function establishedPorts(): Promise<{ local: number; remote: number }[]> {
  const sockets: { local: number; remote: number }[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (!fields[1] || !fields[2] || fields[3] !== '01') continue;
      const port = (address: string) => Number.parseInt(address.split(':')[1] ?? '', 16);
      sockets.push({ local: port(fields[1]), remote: port(fields[2]) });
    }
  }
  return sockets;
}

/** Sockets to each broker's AMQP port (loopback brokers: only clients match). */
function connectionsTo(
  sockets: readonly { remote: number }[],
  ports: ReadonlyMap<string, number>,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ports.keys()) counts[id] = 0;
  const byPort = new Map([...ports].map(([id, port]) => [port, id]));
  for (const { remote } of sockets) {
    const id = byPort.get(remote);
    if (id) counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

/**
 * Handles are read this many times, this far apart, after the GC: the sample
 * keeps the reading with the fewest (less the load client's connections),
 * because a probe round or a registry refresh in flight holds a few timers
 * and sockets for a moment. The readings span more than a probe interval
 * (2 s), so one of them falls between rounds; a leak raises every reading,
 * the least one too.
 */
const HANDLE_READINGS = 12;
const HANDLE_READING_GAP_MS = 250;

interface HandleReading {
  readonly handles: number;
  readonly clientConnections: number;
  readonly handleKinds: Record<string, number>;
  readonly connections: Record<string, number>;
}

async function readHandles(ports: {
  readonly amqp: ReadonlyMap<string, number>;
  readonly api: number;
}): Promise<HandleReading> {
  const resources = process.getActiveResourcesInfo();
  const handleKinds: Record<string, number> = {};
  for (const kind of resources) handleKinds[kind] = (handleKinds[kind] ?? 0) + 1;
  const sockets = await establishedPorts();
  return {
    handles: resources.length,
    clientConnections: sockets.filter(({ local }) => local === ports.api).length,
    handleKinds,
    connections: connectionsTo(sockets, ports.amqp),
  };
}

export async function sampleApi(
  minute: number,
  ports: { readonly amqp: ReadonlyMap<string, number>; readonly api: number },
  quiet: boolean,
): Promise<ApiSample> {
  gc?.();
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  const readings: HandleReading[] = [];
  for (let i = 0; i < HANDLE_READINGS; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, HANDLE_READING_GAP_MS));
    readings.push(await readHandles(ports));
  }
  const resting = (r: HandleReading) => r.handles - r.clientConnections;
  const least = readings.reduce((a, b) => (resting(b) < resting(a) ? b : a));
  // Broker connections are judged on the most any reading saw.
  const connections: Record<string, number> = {};
  for (const { connections: seen } of readings)
    for (const [id, n] of Object.entries(seen)) connections[id] = Math.max(connections[id] ?? 0, n);
  return { minute, quiet, heapMb, ...least, connections };
}
