/** What a throughput bench opens before it measures: the fleet, raw connections to its brokers, their pids. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerProperties } from 'amqplib';
import { startFleet } from '../../src/fleet/fleet.js';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import type { Topology } from '../../src/topology/topology.js';
import type { Cleanups } from './cleanups.js';
import { brokerPidsOf, type FleetHandle, startFleetChild } from './fleet-host.js';
import { openRawBrokers, type RawBroker } from './raw-brokers.js';

export interface BenchFleetOptions {
  /** Names the data directory: `warren-bench-<name>-`. */
  readonly name: string;
  /** `child`: forked from `entry` (which must call `hostFleet` on `--fleet-host`); `in-process`: on this event loop. */
  readonly mode: 'child' | 'in-process';
  /** The bench file. */
  readonly entry: string;
  /** Hears every message the raw connections get back as unroutable. */
  readonly onReturn?: () => void;
  /** What the brokers declare (default: warren's default topology). */
  readonly topology?: Topology;
}

export interface BenchFleet {
  readonly host: FleetHandle;
  readonly fleet: FleetDescription;
  readonly brokers: RawBroker[];
  /** What the first broker said of itself (version, platform) when the raw connection opened. */
  readonly server: ServerProperties | undefined;
  readonly brokerPids: number[];
}

async function startFleetHere(dataDir: string, topology?: Topology): Promise<FleetHandle> {
  const {
    stop,
    supervisors: _supervisors,
    ...fleet
  } = await startFleet({ dataDir, nodes: 3, port: 0, ...(topology && { topology }) });
  return { fleet, hostCpuMs: async () => undefined, stop };
}

/** Starts a fleet of 3 brokers in a fresh data directory and opens raw connections; `cleanups` undoes each step. */
export async function openBenchFleet(
  options: BenchFleetOptions,
  cleanups: Cleanups,
): Promise<BenchFleet> {
  const dataDir = await mkdtemp(join(tmpdir(), `warren-bench-${options.name}-`));
  cleanups.add(() => rm(dataDir, { recursive: true, force: true }));
  const host =
    options.mode === 'child'
      ? await startFleetChild(options.entry, {
          dataDir,
          ...(options.topology && { topology: options.topology }),
        })
      : await startFleetHere(dataDir, options.topology);
  cleanups.add(async () => {
    console.error('stopping the fleet...');
    await host.stop();
  });
  const { fleet } = host;
  const brokers = await openRawBrokers(fleet, options.onReturn);
  cleanups.add(async () => {
    await Promise.all(brokers.map((b) => b.connection.close().catch(() => undefined)));
  });
  const server = brokers[0]?.connection.connection.serverProperties;
  const brokerPids = await brokerPidsOf(fleet);
  return { host, fleet, brokers, server, brokerPids };
}
