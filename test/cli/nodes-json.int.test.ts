import { describe, expect, inject, it } from 'vitest';
import type { NodeView } from '../../src/http/node-view.js';
import { freshRegistry } from '../support/registry.js';
import { runWarren } from '../support/warren-cli.js';

/** `warren nodes …` as a subprocess against a fresh table in the run's dynalite. */
async function onFreshTable() {
  const fresh = await freshRegistry();
  const target = ['--table', fresh.tableName, '--endpoint', inject('fleet').registry.endpoint];
  const nodes = (args: readonly string[], env: Record<string, string> = {}) =>
    runWarren(['nodes', ...args, ...target], env);
  return { ...fresh, nodes };
}

/** The one JSON document a run printed, after checking it printed nothing else. */
function documentOf(run: { code: number | null; stdout: string; stderr: string }) {
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('warren nodes --json', () => {
  it('prints the registered broker and whether it was created or updated', async () => {
    const { nodes } = await onFreshTable();

    const created = documentOf(
      await nodes(['register', 'b4', 'amqp://mq4.internal:5672', '--az', 'eu-west-1a', '--json']),
    );
    const updated = documentOf(
      await nodes(['register', 'b4', 'amqp://mq4.internal:5673', '--json']),
    );

    expect(created).toEqual({
      outcome: 'created',
      node: {
        id: 'b4',
        endpoint: 'amqp://mq4.internal:5672',
        managementEndpoint: null,
        az: 'eu-west-1a',
        labels: {},
        health: { state: 'initial' },
        admin: { state: 'active', since: expect.any(String) },
        stale: false,
        lastProbeAt: null,
        latencyMs: null,
        consecutiveFailures: 0,
        consecutiveSuccesses: 0,
        flapCount: 0,
        holdDownUntil: null,
        outlierReportedAt: null,
        registeredAt: expect.any(String),
      },
    });
    expect(updated).toMatchObject({
      outcome: 'updated',
      node: { id: 'b4', endpoint: 'amqp://mq4.internal:5673', az: 'eu-west-1a' },
    });
  });

  it.each([
    ['drain', 'draining'],
    ['maintenance', 'maintenance'],
    ['retire', 'retired'],
    ['undrain', 'active'],
  ])('%s prints the broker with admin state %s', async (command, state) => {
    const { registry, nodes } = await onFreshTable();
    await nodes(['register', 'b1', 'amqp://10.0.1.5:5672']);
    if (command === 'undrain') await registry.setAdminState('b1', 'draining', new Date());

    const document = documentOf(await nodes([command, 'b1', '--json']));

    expect(Object.keys(document)).toEqual(['node']);
    const node = document.node as NodeView;
    expect(node).toMatchObject({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672', admin: { state } });
    expect(Date.parse(node.admin.since)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('lists as one document, and says an unknown id in one line on stderr', async () => {
    const { nodes } = await onFreshTable();
    await nodes(['register', 'b1', 'amqp://10.0.1.5:5672']);

    const list = documentOf(await nodes(['list', '--json']));
    const missing = await nodes(['drain', 'b9', '--json']);

    expect(list).toEqual({ nodes: [expect.objectContaining({ id: 'b1' })], rejected: [] });
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'warren: no broker "b9" in the registry\n',
    });
  });
});

describe('warren nodes list colours', () => {
  it('colours health only when asked to by FORCE_COLOR, never with NO_COLOR, and never into a pipe', async () => {
    const { nodes } = await onFreshTable();
    await nodes(['register', 'b1', 'amqp://10.0.1.5:5672']);

    const [piped, forced, refused] = await Promise.all([
      nodes(['list']),
      nodes(['list'], { FORCE_COLOR: '1' }),
      nodes(['list'], { FORCE_COLOR: '1', NO_COLOR: '1' }),
    ]);

    expect(piped.stdout).not.toContain('\x1b[');
    expect(forced.stdout).toContain('\x1b[2minitial\x1b[22m');
    expect(refused.stdout).toBe(piped.stdout);
    const json = await nodes(['list', '--json'], { FORCE_COLOR: '1' });
    expect(json.stdout).not.toContain('\x1b[');
  });
});
