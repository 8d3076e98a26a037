import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { eventually } from '../support/eventually.js';
import { freshFleetRegistry, freshRegistry } from '../support/registry.js';

const fleet = inject('fleet');
const repoRoot = join(import.meta.dirname, '../..');
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warren-consume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  readonly child: ChildProcess;
  readonly startedAt: number;
  output(): string;
  /** Exit code (or signal) and how long the process ran. */
  readonly exited: Promise<{ code: number | null; signal: string | null; ms: number }>;
}

/** `warren consume …` as a user runs it, against a registry table in the run's dynalite. */
function consume(args: readonly string[]): Run {
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
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as string | null,
    ms: Date.now() - startedAt,
  }));
  return { child, startedAt, output: () => output, exited };
}

const tableArgs = (tableName: string) => [
  '--table',
  tableName,
  '--endpoint',
  fleet.registry.endpoint,
];

describe('warren consume when it cannot consume', () => {
  it('exits non-zero within seconds, naming the queue and the broker, when the brokers do not have the queue', async () => {
    const queue = `ghost-${randomUUID().slice(0, 8)}`;
    const topologyFile = join(dir, `${queue}.json`);
    await writeFile(
      topologyFile,
      JSON.stringify({
        ...defaultTopology,
        queues: [
          ...defaultTopology.queues,
          { name: queue, arguments: { 'x-dead-letter-exchange': 'warren.dead-letter' } },
        ],
      }),
    );
    const { tableName } = await freshFleetRegistry();

    const run = consume([
      queue,
      '--count',
      '1',
      ...tableArgs(tableName),
      '--topology',
      topologyFile,
    ]);
    const { code, ms } = await run.exited;

    console.log(`missing queue: warren consume exited ${code} after ${ms} ms`);
    expect(code).toBe(1);
    expect(run.output()).toMatch(new RegExp(`queue "${queue}" does not exist on broker b[123]`));
    expect(ms).toBeLessThan(10_000);
  });

  it('refuses at once a queue the topology does not declare, listing the declared ones', async () => {
    const run = consume(['no-such-queue', '--count', '1', '--data-dir', fleet.dataDir]);
    const { code, ms } = await run.exited;

    expect(code).toBe(1);
    expect(run.output()).toContain('queue "no-such-queue" is not declared in the topology');
    expect(run.output()).toContain('tasks, events.all, warren.dead-letter');
    expect(ms).toBeLessThan(10_000);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops promptly on %s while no broker can be attached',
    async (signal) => {
      const { registry, tableName } = await freshRegistry();
      for (const [i, port] of (await findFreePorts(3)).entries())
        await registry.registerNode(
          { id: `d${i}`, endpoint: `amqp://127.0.0.1:${port}` },
          new Date(),
        );
      const run = consume(['tasks', ...tableArgs(tableName)]);
      // Long enough for the CLI to be up and retrying every broker.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(run.child.exitCode).toBeNull();

      const signalledAt = Date.now();
      run.child.kill(signal);
      const { code } = await run.exited;

      const stopMs = Date.now() - signalledAt;
      console.log(`${signal} with no broker attached: exited ${code} after ${stopMs} ms`);
      expect(code).toBe(0);
      expect(stopMs).toBeLessThan(3_000);
    },
  );

  it('names the file when --topology cannot be used', async () => {
    const { tableName } = await freshFleetRegistry();
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"queues": [{"name": ""}]}');

    const run = consume(['tasks', ...tableArgs(tableName), '--topology', file]);
    const { code } = await run.exited;

    expect(code).toBe(1);
    await eventually(async () => expect(run.output()).toContain(`topology ${file}`));
  });
});
