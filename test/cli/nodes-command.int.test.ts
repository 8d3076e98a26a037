import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runNodes } from '../../src/cli/nodes-command.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import type { NodeView } from '../../src/http/node-view.js';
import { freshRegistry } from '../support/registry.js';

interface NodesDocument {
  nodes: NodeView[];
  rejected: unknown[];
}

/** Runs `warren nodes …` in process against a fresh table in the run's dynalite. */
async function onFreshTable() {
  const fresh = await freshRegistry();
  const target = ['--table', fresh.tableName, '--endpoint', inject('fleet').registry.endpoint];
  const nodes = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runNodes([...args, ...target], { out: (line) => lines.push(line), env: {} });
    return { code, lines };
  };
  /** Through `main`, as the `warren` binary runs it: exit code, stdout and stderr lines. */
  const warren = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['nodes', ...args, ...target], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out, err };
  };
  const listJson = async () => {
    const { lines } = await nodes('list', '--json');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0] ?? '') as NodesDocument;
  };
  return { ...fresh, nodes, warren, listJson };
}

const scratchDirs: string[] = [];
afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('warren nodes', () => {
  it('registers a broker, then lists it as a table and as one JSON document', async () => {
    const { nodes, listJson } = await onFreshTable();

    const registered = await nodes(
      'register',
      'b4',
      'amqp://MQ4.internal:5672',
      '--management-url',
      'https://mq4.internal:15671',
      '--az',
      'eu-west-1a',
      '--label',
      'tier=gold',
    );
    // Re-registering moves the endpoint and keeps the labels it does not mention.
    const again = await nodes('register', 'b4', 'amqp://mq4.internal:5673');
    const table = await nodes('list');
    const document = await listJson();

    expect(registered).toEqual({
      code: 0,
      lines: ['b4: created, endpoint amqp://mq4.internal:5672'],
    });
    expect(again).toEqual({ code: 0, lines: ['b4: updated, endpoint amqp://mq4.internal:5673'] });
    expect(table).toEqual({
      code: 0,
      lines: [
        'ID  ENDPOINT                  HEALTH   ADMIN   LAST PROBE  LATENCY',
        'b4  amqp://mq4.internal:5673  initial  active  never       -',
      ],
    });
    expect(document.rejected).toEqual([]);
    expect(document.nodes).toEqual([
      {
        id: 'b4',
        endpoint: 'amqp://mq4.internal:5673',
        managementEndpoint: 'https://mq4.internal:15671',
        az: 'eu-west-1a',
        labels: { tier: 'gold' },
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
    ]);
  });

  it('marks a broker STALE once three probe intervals pass without a probe', async () => {
    const { nodes } = await onFreshTable();
    await nodes('register', 'b1', 'amqp://10.0.1.5:5672');
    await sleep(400);

    const fresh = await nodes('list', '--probe-interval-ms', '60000');
    const stale = await nodes('list', '--probe-interval-ms', '100');

    expect(fresh.lines[1]).not.toContain('STALE');
    expect(stale.lines[1]).toMatch(/ {2}STALE$/);
  });

  it('drains a broker without touching its health, and undrains it', async () => {
    const { registry, nodes, listJson } = await onFreshTable();
    await nodes('register', 'b1', 'amqp://10.0.1.5:5672');
    const probedAt = new Date().toISOString();
    const health = { state: 'healthy', since: probedAt } as const;
    await registry.recordHealth({
      id: 'b1',
      expectedVersion: 0,
      probeSeq: 1,
      record: { health, consecutiveSuccesses: 2, consecutiveFailures: 0, flapCount: 0 },
      probedAt,
      latencyMs: 4.2,
    });

    const drained = await nodes('drain', 'b1');
    const [afterDrain] = (await listJson()).nodes;
    const table = await nodes('list');
    const undrained = await nodes('undrain', 'b1');
    const [afterUndrain] = (await listJson()).nodes;

    expect(drained).toEqual({ code: 0, lines: ['b1: admin state draining'] });
    expect(afterDrain).toMatchObject({
      admin: { state: 'draining' },
      health,
      lastProbeAt: probedAt,
      latencyMs: 4.2,
      consecutiveSuccesses: 2,
    });
    expect(table.lines[1]).toMatch(
      /^b1 +amqp:\/\/10\.0\.1\.5:5672 +healthy +draining +\d+s ago +4\.2 ms$/,
    );
    expect(undrained).toEqual({ code: 0, lines: ['b1: admin state active'] });
    expect(afterUndrain).toMatchObject({ admin: { state: 'active' }, health, latencyMs: 4.2 });
  });

  it.each([
    ['maintenance', 'maintenance'],
    ['retire', 'retired'],
  ])('%s sets admin state %s', async (command, state) => {
    const { nodes, listJson } = await onFreshTable();
    await nodes('register', 'b1', 'amqp://10.0.1.5:5672');

    const result = await nodes(command, 'b1');

    expect(result).toEqual({ code: 0, lines: [`b1: admin state ${state}`] });
    expect((await listJson()).nodes[0]?.admin.state).toBe(state);
  });

  it('refuses an unknown broker id with exit 1 and writes nothing', async () => {
    const { registry, nodes, warren } = await onFreshTable();
    await nodes('register', 'b1', 'amqp://10.0.1.5:5672');
    const before = await registry.listNodes();

    const result = await warren('drain', 'b9');

    expect(result).toEqual({ code: 1, out: [], err: ['warren: no broker "b9" in the registry'] });
    expect(await registry.listNodes()).toEqual(before);
  });

  it('refuses a register URL with credentials, without repeating the password', async () => {
    const { registry, warren } = await onFreshTable();

    const result = await warren('register', 'b4', 'amqp://app:s3cret@10.0.1.8:5672');

    expect(result.code).toBe(2);
    expect(result.out).toEqual([]);
    expect(result.err.join('\n')).toContain(
      'invalid AMQP URL "amqp://app:***@10.0.1.8:5672": credentials do not belong in the registry',
    );
    expect(result.err.join('\n')).not.toContain('s3cret');
    expect((await registry.listNodes()).nodes).toEqual([]);
  });

  it('reports an unreachable registry in one line with exit 1', async () => {
    const [port] = await findFreePorts(1);
    const out: string[] = [];
    const err: string[] = [];

    const code = await main(
      ['nodes', 'list', '--table', 'warren-registry', '--endpoint', `http://127.0.0.1:${port}`],
      { out: (line) => out.push(line), err: (line) => err.push(line) },
    );

    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^warren: cannot read the fleet in table warren-registry: .*ECONNREFUSED/,
    );
    expect(err[0]).not.toContain('\n');
  });

  it('lists the local fleet named by <data-dir>/fleet.json', async () => {
    const fleet = inject('fleet');
    const lines: string[] = [];

    const table = await runNodes(['list', '--data-dir', fleet.dataDir], {
      out: (line) => lines.push(line),
      env: {},
    });
    const json: string[] = [];
    await runNodes(['list', '--json', '--data-dir', fleet.dataDir], {
      out: (line) => json.push(line),
      env: {},
    });

    expect(table).toBe(0);
    expect(lines.slice(1).map((line) => line.split(' ')[0])).toEqual(['b1', 'b2', 'b3']);
    const document = JSON.parse(json[0] ?? '') as NodesDocument;
    expect(document.nodes.map(({ id, endpoint }) => ({ id, endpoint }))).toEqual(
      fleet.brokers.map(({ id, endpoint }) => ({ id, endpoint })),
    );
  });

  it.each([
    ['there is no fleet.json', undefined, 'no local fleet in'],
    ['its warren has exited', 'dead', 'is not running (its warren, pid'],
    ['it is still starting', 'starting', 'is still starting'],
  ])('refuses a local fleet when %s, with exit 1', async (_case, state, message) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'warren-nodes-'));
    scratchDirs.push(dataDir);
    const pid = state === 'dead' ? spawnSync('true').pid : process.pid;
    if (state !== undefined)
      await writeFile(join(dataDir, 'fleet.json'), JSON.stringify({ pid, dataDir }));
    const out: string[] = [];
    const err: string[] = [];

    const code = await main(['nodes', 'list', '--data-dir', dataDir], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });

    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(message);
    expect(err[0]).toContain('or pass --table NAME');
  });
});
