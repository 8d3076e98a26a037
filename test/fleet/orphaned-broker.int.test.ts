import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { erlangVms, processesUnder, type RunningCli, spawnCli } from '../support/warren-cli.js';

describe('a broker orphaned by a killed warren', () => {
  let dataDir = '';
  const started: RunningCli[] = [];
  afterAll(async () => {
    // Whatever a failed run left: warren processes first, then brokers.
    for (const cli of started) {
      if (cli.child.exitCode === null && cli.child.signalCode === null) await cli.signal('SIGKILL');
    }
    for (const { pid } of await processesUnder(dataDir)) process.kill(pid, 'SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('is stopped by the next warren dev on the same data directory, which then starts its own', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'warren-orphan-'));
    const args = ['bin/warren.js', 'dev', '--nodes', '1', '--port', '0', '--data-dir', dataDir];
    const first = spawnCli('node', args, dataDir);
    started.push(first);
    await first.ready();
    const [orphan] = await erlangVms(dataDir);
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await erlangVms(dataDir)).map(({ pid }) => pid)).toEqual([orphan?.pid]);

    const second = spawnCli('node', args, dataDir);
    started.push(second);
    try {
      await second.ready();
      const vms = await erlangVms(dataDir);
      expect(vms).toHaveLength(1);
      expect(vms[0]?.pid).not.toBe(orphan?.pid);
    } finally {
      await second.signal('SIGTERM');
      await second.exited;
    }
    expect(await processesUnder(dataDir)).toEqual([]);
  });
});
