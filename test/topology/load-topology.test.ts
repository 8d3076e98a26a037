import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology, parseTopology, TopologyError } from '../../src/topology/load-topology.js';
import { exportedDefinitions } from './topology-fixtures.js';

describe('loadTopology', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warren-topology-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a definitions file', async () => {
    const file = join(dir, 'definitions.json');
    await writeFile(file, JSON.stringify(exportedDefinitions));
    expect(await loadTopology(file)).toStrictEqual(parseTopology(exportedDefinitions));
  });

  it('rejects a missing file with a TopologyError naming the path', async () => {
    const file = join(dir, 'missing.json');
    const error = await loadTopology(file).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as TopologyError).source).toBe(file);
    expect((error as TopologyError).message).toBe(`topology ${file}: cannot be read`);
    expect((error as TopologyError).cause).toBeDefined();
  });

  it.each([
    ['truncated JSON', '{"queues": ['],
    ['an empty file', ''],
    ['JavaScript rather than JSON', "{ queues: [{ name: 'tasks' }] }"],
  ])('rejects %s with a TopologyError naming the path', async (_case, text) => {
    const file = join(dir, `invalid-${text.length}.json`);
    await writeFile(file, text);
    await expect(loadTopology(file)).rejects.toThrow(TopologyError);
    await expect(loadTopology(file)).rejects.toThrow(`topology ${file}: is not valid JSON`);
  });

  it('rejects a well-formed file with an invalid topology, naming the path and the problem', async () => {
    const file = join(dir, 'not-durable.json');
    await writeFile(file, JSON.stringify({ queues: [{ name: 'tasks', durable: false }] }));
    await expect(loadTopology(file)).rejects.toMatchObject({
      name: 'TopologyError',
      source: file,
      message: expect.stringContaining('at queues[0].durable'),
    });
  });
});
