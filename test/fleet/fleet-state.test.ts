import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimDataDir, DataDirInUseError, releaseDataDir } from '../../src/fleet/fleet-state.js';

describe('claimDataDir', () => {
  let dataDir = '';
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'warren-state-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a data directory that a live warren process holds', async () => {
    await writeFile(join(dataDir, 'fleet.json'), JSON.stringify({ pid: process.ppid, dataDir }));

    await expect(claimDataDir(dataDir)).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(claimDataDir(dataDir)).rejects.toThrow(`pid ${process.ppid}`);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    await writeFile(join(dataDir, 'fleet.json'), JSON.stringify({ pid: 2 ** 22 + 1, dataDir }));

    await claimDataDir(dataDir);

    expect(JSON.parse(await readFile(join(dataDir, 'fleet.json'), 'utf8'))).toEqual({
      pid: process.pid,
      dataDir,
    });
  });

  it('releases the lock', async () => {
    await claimDataDir(dataDir);
    await releaseDataDir(dataDir);
    await expect(readFile(join(dataDir, 'fleet.json'))).rejects.toThrow(/ENOENT/);
  });
});
