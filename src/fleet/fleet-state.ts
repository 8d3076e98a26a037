import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTopology } from '../topology/load-topology.js';
import type { Topology } from '../topology/topology.js';

/** What a running local fleet publishes about itself in `<data-dir>/fleet.json`, for the CLI and tests. */
export interface FleetDescription {
  /** Pid of the warren process that runs the fleet. */
  readonly pid: number;
  readonly dataDir: string;
  readonly apiUrl: string;
  /** The local API's request log: a JSON line per request (`api-log.ts`). */
  readonly apiLog: string;
  readonly registry: { readonly endpoint: string; readonly tableName: string };
  readonly probeIntervalMs: number;
  /** What every broker carries (the probe queue included): consumers find dead-letter exchanges here. */
  readonly topology: Topology;
  readonly brokers: readonly FleetBrokerDescription[];
}

export interface FleetBrokerDescription {
  readonly id: string;
  /** Registry form: no credentials. */
  readonly endpoint: string;
  readonly managementEndpoint?: string;
  /** Present for brokers warren started: how to reach and operate them. */
  readonly local?: {
    /** With the local brokers' default `guest` credentials. */
    readonly url: string;
    readonly nodeName: string;
    readonly dir: string;
    /** HOME holding the node's Erlang cookie: `HOME=<home> rabbitmqctl -n <nodeName> …`. */
    readonly home: string;
    readonly pidFile: string;
  };
}

/** Another live warren process runs a fleet in this data directory. */
export class DataDirInUseError extends Error {
  readonly pid: number;
  constructor(dataDir: string, pid: number) {
    super(
      `${dataDir} is in use by another warren (pid ${pid}): stop it, or pass another --data-dir`,
    );
    this.name = 'DataDirInUseError';
    this.pid = pid;
  }
}

const stateFile = (dataDir: string) => join(dataDir, 'fleet.json');

/**
 * Throws DataDirInUseError when another live warren runs a fleet in `dataDir`;
 * takes nothing. Lets `warren dev` refuse a busy directory before it prints a
 * word; claimDataDir, which takes it, checks again.
 *
 * @example await assertDataDirFree(resolve('.warren'));
 */
export async function assertDataDirFree(dataDir: string): Promise<void> {
  // Only the pid counts here: a stale file with an unusable topology must not block a new fleet.
  const previous = (await readStateDocument(dataDir)) as { pid?: unknown } | undefined;
  if (typeof previous?.pid === 'number' && previous.pid !== process.pid && isAlive(previous.pid)) {
    throw new DataDirInUseError(dataDir, previous.pid);
  }
}

/** Takes the data directory for this process; a lock left by a dead process is taken over. */
export async function claimDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await assertDataDirFree(dataDir);
  await writeFile(stateFile(dataDir), `${JSON.stringify({ pid: process.pid, dataDir })}\n`);
}

export async function writeFleetState(description: FleetDescription): Promise<void> {
  await writeFile(stateFile(description.dataDir), `${JSON.stringify(description, null, 2)}\n`);
}

/**
 * The fleet running (or that last ran) in `dataDir`, if any. Its topology, when
 * recorded, is validated: an unusable one throws TopologyError naming the file.
 */
export async function readFleetState(
  dataDir: string,
): Promise<Partial<FleetDescription> | undefined> {
  const document = await readStateDocument(dataDir);
  if (document === undefined) return undefined;
  const { topology, ...rest } = document;
  if (topology === undefined) return rest;
  return { ...rest, topology: parseTopology(topology, stateFile(dataDir)) };
}

async function readStateDocument(
  dataDir: string,
): Promise<(Omit<Partial<FleetDescription>, 'topology'> & { topology?: unknown }) | undefined> {
  try {
    const document: unknown = JSON.parse(await readFile(stateFile(dataDir), 'utf8'));
    return typeof document === 'object' && document !== null ? document : undefined;
  } catch {
    return undefined;
  }
}

export async function releaseDataDir(dataDir: string): Promise<void> {
  await rm(stateFile(dataDir), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
