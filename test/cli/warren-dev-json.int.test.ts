import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { runWarren, spawnCli } from '../support/warren-cli.js';

const scratchDirs: string[] = [];
afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const scratchDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'warren-dev-cli-'));
  scratchDirs.push(dir);
  return dir;
};

describe('warren dev', () => {
  it('refuses a data directory another warren runs in before it prints anything else', async () => {
    const dataDir = await scratchDir();
    // This test process stands for the other warren: alive, and not the one starting.
    await writeFile(join(dataDir, 'fleet.json'), JSON.stringify({ pid: process.pid, dataDir }));

    const run = await runWarren(['dev', '--port', '0', '--data-dir', dataDir]);

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `warren: ${dataDir} is in use by another warren (pid ${process.pid}): stop it, or pass another --data-dir\n`,
    });
  });

  it('logs JSON lines with --json, from fleet-starting to fleet-stopped', async () => {
    const dataDir = await scratchDir();
    const b1 = inject('fleet').brokers.find((broker) => broker.id === 'b1')?.local?.url ?? '';
    // Existing brokers (the harness's b1): no broker to start, so the fleet is up in a second or two.
    const cli = spawnCli(
      'node',
      ['bin/warren.js', 'dev', '--json', '--brokers', b1, '--port', '0', '--data-dir', dataDir],
      dataDir,
    );
    try {
      await eventually(
        async () => {
          if (!cli.output().includes('"type":"fleet-ready"')) throw new Error(cli.output());
        },
        { timeoutMs: 30_000 },
      );
    } finally {
      await cli.signal('SIGTERM');
      await cli.exited;
    }

    expect(cli.child.exitCode, cli.output()).toBe(0);
    const lines = cli.output().trim().split('\n');
    const documents = lines.map((line) => JSON.parse(line) as { time: string; type: string });
    const types = documents.map((document) => document.type);
    expect(documents[0]).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      type: 'fleet-starting',
      brokers: 1,
      existing: true,
      dataDir,
      replicas: 1,
    });
    expect(types).toEqual(
      expect.arrayContaining([
        'registry-started',
        'topology-applied',
        'nodes-registered',
        'api-listening',
        'fleet-ready',
        'stopping',
      ]),
    );
    expect(types.at(-1)).toBe('fleet-stopped');
    expect(documents.find((document) => document.type === 'fleet-ready')).toMatchObject({
      apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      readyMs: expect.any(Number),
      brokers: ['b1'],
    });
    // The broker's password stays out of the log.
    expect(cli.output()).not.toContain('guest@');
  });
});
