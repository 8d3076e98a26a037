import { readFile } from 'node:fs/promises';
import { startFleet } from '../../src/fleet/fleet.js';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import type { Topology } from '../../src/topology/topology.js';
import { forkHost, serveHost } from './forked-host.js';

export interface FleetHandle {
  readonly fleet: FleetDescription;
  /** CPU time of the process running the fleet (its own API, prober, dynalite); undefined in process. */
  hostCpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** What the parent tells the forked fleet host: where its data lives, and the topology if not the default. */
interface FleetHostOptions {
  readonly dataDir: string;
  readonly topology?: Topology;
}

/** In the forked child: runs the fleet until the parent says stop or goes away. */
export async function hostFleet(optionsJson: string): Promise<void> {
  const { dataDir, topology } = JSON.parse(optionsJson) as FleetHostOptions;
  await serveHost(async () => {
    const fleet = await startFleet({ dataDir, nodes: 3, port: 0, ...(topology && { topology }) });
    const { stop, supervisors: _supervisors, ...description } = fleet;
    return { ready: description, stop };
  });
}

/**
 * Runs the fleet in a child process, so the measuring process holds only the
 * clients: `entry` is the bench file, forked with `--fleet-host <options JSON>`,
 * whose entry calls `hostFleet`.
 */
export async function startFleetChild(
  entry: string,
  options: FleetHostOptions,
): Promise<FleetHandle> {
  const host = await forkHost<FleetDescription>(
    entry,
    ['--fleet-host', JSON.stringify(options)],
    'fleet host',
  );
  return { fleet: host.ready, hostCpuMs: () => host.cpuMs(), stop: () => host.stop() };
}

/** Pids of the fleet's Erlang VMs, from their pid files, for measuring their CPU time. */
export async function brokerPidsOf(fleet: FleetDescription): Promise<number[]> {
  const texts = await Promise.all(
    fleet.brokers.map((b) => (b.local ? readFile(b.local.pidFile, 'utf8').catch(() => '') : '')),
  );
  return texts.map((text) => Number.parseInt(text, 10)).filter((pid) => pid > 0);
}
