import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDataDir,
  DataDirInUseError,
  readFleetState,
  releaseDataDir,
} from '../../src/fleet/fleet-state.js';
import { defaultTopology, TopologyError } from '../../src/topology/load-topology.js';

describe('claimDataDir and readFleetState', () => {
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

  it('takes over a lock left by a dead process even when its topology is unusable', async () => {
    const broken = { pid: 2 ** 22 + 1, dataDir, topology: { queues: [{ name: '' }] } };
    await writeFile(join(dataDir, 'fleet.json'), JSON.stringify(broken));

    await claimDataDir(dataDir);
  });

  it('reads back the topology the fleet recorded, validated', async () => {
    await writeFile(
      join(dataDir, 'fleet.json'),
      JSON.stringify({ pid: process.pid, dataDir, topology: { queues: [{ name: 'tasks' }] } }),
    );

    const state = await readFleetState(dataDir);

    expect(state?.topology?.queues).toEqual([
      { name: 'tasks', vhost: '/', durable: true, auto_delete: false, arguments: {} },
    ]);
  });

  it('round-trips the default topology', async () => {
    await writeFile(
      join(dataDir, 'fleet.json'),
      JSON.stringify({ pid: process.pid, dataDir, topology: defaultTopology }),
    );

    expect((await readFleetState(dataDir))?.topology).toEqual(defaultTopology);
  });

  it('refuses a recorded topology that is not valid, naming fleet.json', async () => {
    await writeFile(
      join(dataDir, 'fleet.json'),
      JSON.stringify({ pid: process.pid, dataDir, topology: { queues: [{ name: 'amq.x' }] } }),
    );

    await expect(readFleetState(dataDir)).rejects.toBeInstanceOf(TopologyError);
    await expect(readFleetState(dataDir)).rejects.toThrow(join(dataDir, 'fleet.json'));
  });
});
