import { describe, expect, it } from 'vitest';
import { createPaint } from '../../src/cli/ansi-style.js';
import type { QueueDepth } from '../../src/cli/queue-depths.js';
import { renderNodeTable } from '../../src/cli/render-node-table.js';
import type { NodeView } from '../../src/http/node-view.js';

const now = Date.parse('2026-11-26T12:00:00.000Z');
/** An ANSI colour code: ESC [ digits m. */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
const secondsAgo = (seconds: number) => new Date(now - seconds * 1000).toISOString();

function view(overrides: Partial<NodeView> = {}): NodeView {
  return {
    id: 'b1',
    endpoint: 'amqp://10.0.1.5:5672',
    managementEndpoint: null,
    az: null,
    labels: {},
    health: { state: 'healthy', since: secondsAgo(600) },
    admin: { state: 'active', since: secondsAgo(3600) },
    stale: false,
    lastProbeAt: secondsAgo(3),
    latencyMs: 4.23,
    consecutiveFailures: 0,
    consecutiveSuccesses: 2,
    flapCount: 0,
    holdDownUntil: null,
    outlierReportedAt: null,
    registeredAt: secondsAgo(7200),
    ...overrides,
  };
}

describe('renderNodeTable', () => {
  it('aligns a header and one row per broker', () => {
    expect(
      renderNodeTable(
        [
          view(),
          view({
            id: 'broker-10',
            endpoint: 'amqps://mq10.internal:5671',
            health: { state: 'initial' },
            admin: { state: 'draining', since: secondsAgo(5) },
            lastProbeAt: null,
            latencyMs: null,
            stale: true,
          }),
        ],
        now,
      ),
    ).toEqual([
      'ID         ENDPOINT                    HEALTH   ADMIN     LAST PROBE  LATENCY',
      'b1         amqp://10.0.1.5:5672        healthy  active    3s ago      4.2 ms',
      'broker-10  amqps://mq10.internal:5671  initial  draining  never       -        STALE',
    ]);
  });

  it.each([
    [{ health: { state: 'initial' } }, 'initial'],
    [{ health: { state: 'healthy', since: secondsAgo(1) } }, 'healthy'],
    [
      { health: { state: 'degraded', since: secondsAgo(1), reason: 'slow confirm' } },
      'degraded (slow confirm)',
    ],
    [
      { health: { state: 'blocked', since: secondsAgo(1), reason: 'memory alarm' } },
      'blocked (memory alarm)',
    ],
    [
      {
        health: {
          state: 'unhealthy',
          since: secondsAgo(1),
          reason: 'tcp: connect\n  ECONNREFUSED',
        },
      },
      'unhealthy (tcp: connect ECONNREFUSED)',
    ],
    [{ admin: { state: 'maintenance', since: secondsAgo(1) } }, 'maintenance'],
    [{ admin: { state: 'retired', since: secondsAgo(1) } }, 'retired'],
    [{ lastProbeAt: secondsAgo(0) }, '0s ago'],
    [{ lastProbeAt: secondsAgo(59.9) }, '59s ago'],
    [{ lastProbeAt: secondsAgo(60) }, '1m ago'],
    [{ lastProbeAt: secondsAgo(3599) }, '59m ago'],
    [{ lastProbeAt: secondsAgo(3600) }, '1h ago'],
    [{ lastProbeAt: secondsAgo(47 * 3600) }, '47h ago'],
    [{ lastProbeAt: secondsAgo(3 * 86_400) }, '3d ago'],
    [{ lastProbeAt: secondsAgo(-0.5) }, '0s ago'],
    [{ lastProbeAt: secondsAgo(-5) }, 'in 5s'],
    [{ lastProbeAt: null }, 'never'],
    [{ latencyMs: 0 }, '0.0 ms'],
    [{ latencyMs: 1234.56 }, '1234.6 ms'],
    [{ latencyMs: null }, '-'],
  ] satisfies [Partial<NodeView>, string][])('shows %j as %j', (overrides, cell) => {
    const [, row] = renderNodeTable([view(overrides)], now);
    expect(row?.split(/ {2,}/)).toContain(cell);
  });

  it('marks a stale broker, and only a stale one', () => {
    const [, fresh, stale] = renderNodeTable([view(), view({ id: 'b2', stale: true })], now);
    expect(fresh).not.toContain('STALE');
    expect(stale?.endsWith('  STALE')).toBe(true);
  });

  it('says so when the registry has no brokers', () => {
    expect(renderNodeTable([], now)).toEqual(['no brokers in the registry']);
  });

  it('adds a column for the queue: its depth, "no queue" where the broker has none, "?" where it did not answer', () => {
    const byNode = new Map<string, QueueDepth>([
      ['b1', { kind: 'depth', ready: 4 }],
      ['b2', { kind: 'no-queue' }],
      ['b3', { kind: 'no-answer' }],
    ]);
    const views = ['b1', 'b2', 'b3', 'b4'].map((id) => view({ id }));

    const lines = renderNodeTable(views, now, { queue: 'tasks', byNode });

    expect(lines[0]).toMatch(/LATENCY {2}TASKS$/);
    expect(lines.slice(1).map((line) => line.split(/ {2,}/)[6])).toEqual([
      '4',
      'no queue',
      '?',
      '?',
    ]);
  });

  it('colours health states and STALE without moving a column', () => {
    const views = [
      view(),
      view({ id: 'b2', health: { state: 'degraded', since: secondsAgo(1), reason: 'slow' } }),
      view({ id: 'b3', health: { state: 'unhealthy', since: secondsAgo(1), reason: 'refused' } }),
      view({ id: 'b4', health: { state: 'initial' }, stale: true }),
    ];

    const plain = renderNodeTable(views, now);
    const coloured = renderNodeTable(views, now, undefined, createPaint(true));

    expect(coloured[1]).toContain('\x1b[32mhealthy\x1b[39m');
    expect(coloured[2]).toContain('\x1b[33mdegraded (slow)\x1b[39m');
    expect(coloured[3]).toContain('\x1b[31munhealthy (refused)\x1b[39m');
    expect(coloured[4]).toContain('\x1b[2minitial\x1b[22m');
    expect(coloured[4]?.endsWith('\x1b[33mSTALE\x1b[39m')).toBe(true);
    expect(coloured[0]).toBe(plain[0]);
    const stripped = coloured.map((line) => line.replace(SGR, ''));
    expect(stripped).toEqual(plain);
  });
});
