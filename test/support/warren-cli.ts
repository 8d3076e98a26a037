import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import { eventually } from './eventually.js';

const repoRoot = join(import.meta.dirname, '../..');

export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  readonly exited: Promise<unknown>;
  /**
   * Sends `signal` to the warren process itself when it has written fleet.json,
   * else to the whole process group (npm does not relay signals to its child).
   */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Resolves with the API URL from the ready line. */
  ready(timeoutMs?: number): Promise<string>;
  /** The fleet description the running warren wrote. */
  fleet(): Promise<FleetDescription>;
}

export interface CliRun {
  /** The exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `warren …` to its end as a user runs it: `node bin/warren.js` (the
 * compiled CLI) from the repository root, stdout and stderr pipes (no TTY).
 * Colour variables of the test's own environment are dropped, so a run is
 * plain unless `env` sets NO_COLOR or FORCE_COLOR; placeholder AWS settings
 * serve `--table … --endpoint …`.
 */
export async function runWarren(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...inherited } = process.env;
  const child = spawn('node', ['bin/warren.js', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inherited,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Spawns a command from the repository root (e.g. `npm start -- …` or `node bin/warren.js dev …`). */
export function spawnCli(command: string, args: readonly string[], dataDir: string): RunningCli {
  // Its own process group, so a test can always reach whatever npm started.
  const child = spawn(command, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = once(child, 'exit');
  const fleet = async () =>
    JSON.parse(await readFile(join(dataDir, 'fleet.json'), 'utf8')) as FleetDescription;
  return {
    child,
    output: () => output,
    exited,
    signal: async (signal) => {
      const pid = (await fleet().catch(() => undefined))?.pid;
      try {
        if (pid !== undefined) process.kill(pid, signal);
        else if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    },
    ready: (timeoutMs = 60_000) =>
      eventually(
        async () => {
          const match = /warren is ready in [\d.]+ s: API on (http:\/\/127\.0\.0\.1:\d+)/.exec(
            output,
          );
          if (!match?.[1]) throw new Error(`not ready yet:\n${output}`);
          return match[1];
        },
        { timeoutMs },
      ),
    fleet: async () =>
      JSON.parse(await readFile(join(dataDir, 'fleet.json'), 'utf8')) as FleetDescription,
  };
}

/**
 * Processes started for brokers under `dataDir`, found by the RabbitMQ data
 * directory in their environment: Erlang VMs and their helpers. epmd is left
 * out: it is the machine's shared Erlang name server, started by a node when none runs.
 */
export async function processesUnder(dataDir: string): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (!environ.includes(`RABBITMQ_MNESIA_BASE=${dataDir}`)) continue;
    const command = (await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '')).trim();
    if (command !== 'epmd') found.push({ pid: Number(entry), command });
  }
  return found;
}

export const erlangVms = async (dataDir: string) =>
  (await processesUnder(dataDir)).filter(({ command }) => command === 'beam.smp');
