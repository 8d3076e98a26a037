import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../../src/fleet/fleet.js';

/**
 * Both examples as subprocesses, as their READMEs run them, against a fleet
 * of this test's own: the example consumer takes every message of `tasks`,
 * which other tests on the shared fleet publish to and read back.
 */
let dataDir: string;
let fleet: Fleet;
const children: ChildProcess[] = [];

function run(file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: join(import.meta.dirname, '../..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  const waiting: { match: RegExp; resolve: (line: string) => void }[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const waiter of waiting.filter(({ match }) => match.test(line))) waiter.resolve(line);
    });
  }
  /** The first line (stdout or stderr) that matches, within 20 s. */
  const line = (match: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((candidate) => match.test(candidate));
      if (seen !== undefined) return resolve(seen);
      const timer = setTimeout(
        () => reject(new Error(`no line matching ${match} from ${file}:\n${lines.join('\n')}`)),
        20_000,
      );
      waiting.push({
        match,
        resolve: (found) => {
          clearTimeout(timer);
          resolve(found);
        },
      });
    });
  return { line };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'warren-examples-'));
  fleet = await startFleet({ dataDir, nodes: 1, port: 0 });
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await fleet?.stop();
  await rm(dataDir, { recursive: true, force: true });
}, 30_000);

describe('examples', () => {
  it('an order taken by the publisher service arrives at the example consumer', async () => {
    const consumer = run('examples/consumer/consumer.ts', { WARREN_DATA_DIR: dataDir });
    const service = run('examples/publisher-service/publisher-service.ts', {
      WARREN_URL: fleet.apiUrl,
      PORT: '0',
    });
    const [listening] = await Promise.all([
      service.line(/listening on http:\/\/127\.0\.0\.1:\d+/),
      consumer.line(/^attached to b1$/),
    ]);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(listening)?.[0];

    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'rabbit food', quantity: 3 }),
    });
    const { orderId, node } = (await response.json()) as { orderId: string; node: string };
    const received = JSON.parse(await consumer.line(new RegExp(`"id":"${orderId}"`)));

    expect(response.status).toBe(202);
    expect(node).toBe('b1');
    expect(received).toEqual({
      id: orderId,
      node: 'b1',
      body: { orderId, item: 'rabbit food', quantity: 3 },
    });
  }, 30_000);
});
