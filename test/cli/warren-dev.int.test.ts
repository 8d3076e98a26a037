import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeView } from '../../src/http/node-view.js';
import { eventually } from '../support/eventually.js';

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

/**
 * Processes started for brokers under `dataDir`, by the RabbitMQ data directory in
 * their environment: Erlang VMs and their helpers. epmd is left out: it is the
 * machine's shared Erlang name server, and a node starts it when none runs.
 */
async function processesUnder(dataDir: string): Promise<{ pid: number; command: string }[]> {
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

describe('npm start (warren dev)', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('brings up 3 brokers listed by GET /v1/nodes, and SIGTERM leaves no broker process behind', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'warren-dev-'));
    const before5672 = await listenersOn(5672);
    const child = spawn('npm', ['start', '--', '--port', '0', '--data-dir', dataDir], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = once(child, 'exit');
    try {
      const apiUrl = await eventually(
        async () => {
          const match = /warren is ready in [\d.]+ s: API on (http:\/\/127\.0\.0\.1:\d+)/.exec(
            output,
          );
          if (!match?.[1]) throw new Error(`not ready yet:\n${output}`);
          return match[1];
        },
        { timeoutMs: 60_000 },
      );

      const response = await fetch(`${apiUrl}/v1/nodes`);
      const { nodes } = (await response.json()) as { nodes: NodeView[] };
      expect(response.status).toBe(200);
      expect(nodes.map((node) => node.id)).toEqual(['b1', 'b2', 'b3']);
      for (const node of nodes) {
        expect(node.endpoint).toMatch(/^amqp:\/\/127\.0\.0\.1:\d+$/);
        expect(node.endpoint).not.toMatch(/:5672$/);
        expect(node.admin.state).toBe('active');
      }
      const vms = (await processesUnder(dataDir)).filter(({ command }) => command === 'beam.smp');
      expect(vms).toHaveLength(3);
    } finally {
      // SIGTERM the warren process itself (npm only relays signals); npm exits with its code.
      const state = JSON.parse(
        await readFile(join(dataDir, 'fleet.json'), 'utf8').catch(() => '{}'),
      ) as {
        pid?: number;
      };
      const pid = state.pid ?? child.pid;
      if (pid !== undefined) process.kill(pid, 'SIGTERM');
      await exited;
    }

    expect(child.exitCode, output).toBe(0);
    expect(output).toContain('warren dev: stopped');
    expect(await processesUnder(dataDir)).toEqual([]);
    expect(await listenersOn(5672)).toEqual(before5672);
  });
});
