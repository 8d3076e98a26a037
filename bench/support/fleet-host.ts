import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { startFleet } from '../../src/fleet/fleet.js';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import { startBareHttpServer } from './bare-http-server.js';
import { cpuMs, within } from './measure.js';

type HostMessage =
  | { type: 'ready'; fleet: FleetDescription; bareHttpUrl: string }
  | { type: 'failed'; reason: string }
  | { type: 'cpu'; ms: number };

export interface FleetHandle {
  readonly fleet: FleetDescription;
  /** A node:http server in the fleet's process that answers without work (bare-http-server.ts). */
  readonly bareHttpUrl: string;
  /** CPU time of the process running the fleet (API, its publisher, prober, dynalite); undefined in process. */
  hostCpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** In the forked child: runs the fleet, answers `cpu` with its CPU time, stops on `stop` or when the parent goes away. */
export async function hostFleet(dataDir: string): Promise<void> {
  const send = (message: HostMessage) => process.send?.(message);
  try {
    const fleet = await startFleet({ dataDir, nodes: 3, port: 0 });
    const bare = await startBareHttpServer();
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await bare.close();
      await fleet.stop();
      process.exit(0);
    };
    process.on('message', (message) => {
      if (message === 'cpu') send({ type: 'cpu', ms: cpuMs() });
      if (message === 'stop') void stop();
    });
    // The bench died or finished without a word: stop the brokers anyway.
    process.on('disconnect', () => void stop());
    const { stop: _stop, supervisors: _supervisors, ...description } = fleet;
    send({ type: 'ready', fleet: description, bareHttpUrl: bare.url });
  } catch (error) {
    send({ type: 'failed', reason: (error as Error).message });
    process.exit(1);
  }
}

/**
 * Runs the fleet in a child process, so the measuring process holds only the
 * clients: `entry` is the bench file, forked with `--fleet-host <dataDir>`,
 * whose entry calls `hostFleet`.
 */
export async function startFleetChild(entry: string, dataDir: string): Promise<FleetHandle> {
  const child: ChildProcess = fork(entry, ['--fleet-host', dataDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = (timeoutMs: number) =>
    new Promise<HostMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fleet host did not answer')), timeoutMs);
      child.once('message', (message) => {
        clearTimeout(timer);
        resolve(message as HostMessage);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`fleet host exited (code ${child.exitCode})`));
      });
    });
  const ready = await next(180_000).catch((error: unknown) => {
    child.kill('SIGTERM');
    throw error;
  });
  if (ready.type !== 'ready') {
    child.kill('SIGTERM');
    throw new Error(`fleet did not start: ${ready.type === 'failed' ? ready.reason : ready.type}`);
  }
  return {
    fleet: ready.fleet,
    bareHttpUrl: ready.bareHttpUrl,
    async hostCpuMs() {
      child.send('cpu');
      const answer = await next(10_000);
      return answer.type === 'cpu' ? answer.ms : undefined;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send('stop');
      if ((await within(exited, 60_000)) === 'timeout') child.kill('SIGTERM');
    },
  };
}

/** Pids of the fleet's Erlang VMs, from their pid files, for measuring their CPU time. */
export async function brokerPidsOf(fleet: FleetDescription): Promise<number[]> {
  const texts = await Promise.all(
    fleet.brokers.map((b) => (b.local ? readFile(b.local.pidFile, 'utf8').catch(() => '') : '')),
  );
  return texts.map((text) => Number.parseInt(text, 10)).filter((pid) => pid > 0);
}
