import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeView } from '../../src/http/node-view.js';
import { erlangVms, processesUnder, spawnCli } from '../support/warren-cli.js';

/** Socket inodes listening on a TCP port, from /proc: identifies the listener without talking to it. */
async function listenersOn(port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const row of text.trim().split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.push(fields[9] ?? '');
    }
  }
  return inodes.sort();
}

describe('npm start (warren dev)', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('brings up 3 brokers listed by GET /v1/nodes, and SIGTERM leaves no broker process behind', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'warren-dev-'));
    const before5672 = await listenersOn(5672);
    const cli = spawnCli('npm', ['start', '--', '--port', '0', '--data-dir', dataDir], dataDir);
    try {
      const apiUrl = await cli.ready();

      const response = await fetch(`${apiUrl}/v1/nodes`);
      const { nodes } = (await response.json()) as { nodes: NodeView[] };
      expect(response.status).toBe(200);
      expect(nodes.map((node) => node.id)).toEqual(['b1', 'b2', 'b3']);
      for (const node of nodes) {
        expect(node.endpoint).toMatch(/^amqp:\/\/127\.0\.0\.1:\d+$/);
        expect(node.endpoint).not.toMatch(/:5672$/);
        expect(node.admin.state).toBe('active');
      }
      expect(await erlangVms(dataDir)).toHaveLength(3);
    } finally {
      await cli.signal('SIGTERM');
      await cli.exited;
    }

    expect(cli.child.exitCode, cli.output()).toBe(0);
    expect(cli.output()).toContain('warren dev: stopped');
    expect(await processesUnder(dataDir)).toEqual([]);
    expect(await listenersOn(5672)).toEqual(before5672);
  });
});
