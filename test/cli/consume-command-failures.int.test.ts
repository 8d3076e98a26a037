import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { eventually } from '../support/eventually.js';
import { freshFleetRegistry, freshRegistry } from '../support/registry.js';
import { consume, tableArgs } from './consume-subprocess.js';

const fleet = inject('fleet');
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warren-consume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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
