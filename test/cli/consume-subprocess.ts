import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { inject } from 'vitest';

const repoRoot = join(import.meta.dirname, '../..');

export interface ConsumeRun {
  readonly child: ChildProcess;
  readonly startedAt: number;
  /** stdout and stderr interleaved, as a user sees them. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Exit code (or signal) and how long the process ran. */
  readonly exited: Promise<{ code: number | null; signal: string | null; ms: number }>;
}

/** `warren consume …` as a user runs it (bin/warren.js, the compiled CLI), with guest credentials for --table. */
export function consume(args: readonly string[]): ConsumeRun {
  const startedAt = Date.now();
  const child = spawn('node', ['bin/warren.js', 'consume', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      WARREN_AMQP_USERNAME: 'guest',
      WARREN_AMQP_PASSWORD: 'guest',
    },
  });
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as string | null,
    ms: Date.now() - startedAt,
  }));
  return {
    child,
    startedAt,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
  };
}

/** `--table <name> --endpoint <the run's dynalite>`. */
export const tableArgs = (tableName: string) => [
  '--table',
  tableName,
  '--endpoint',
  inject('fleet').registry.endpoint,
];
