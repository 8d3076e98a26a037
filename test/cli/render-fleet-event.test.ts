import { describe, expect, it } from 'vitest';
import { createPaint } from '../../src/cli/ansi-style.js';
import { renderFlapSummary, renderFleetEvent } from '../../src/cli/render-fleet-event.js';
import type { FleetEvent } from '../../src/fleet/fleet-events.js';

describe('renderFleetEvent', () => {
  it.each<{ event: FleetEvent; expected: string }>([
    {
      event: {
        type: 'registry-started',
        endpoint: 'http://127.0.0.1:4567',
        tableName: 'warren-registry',
      },
      expected: 'registry  dynalite on http://127.0.0.1:4567, table warren-registry',
    },
    {
      event: { type: 'broker-starting', id: 'b1', url: 'amqp://127.0.0.1:5673', attempt: 1 },
      expected: 'b1        starting rabbitmq-server on amqp://127.0.0.1:5673',
    },
    {
      event: { type: 'broker-waiting', ids: ['b2', 'b3'], elapsedMs: 12_345 },
      expected: '…         waiting for b2, b3 (12.3 s)',
    },
    {
      event: { type: 'broker-ready', id: 'b1', elapsedMs: 4_210, restarted: false },
      expected: 'b1        ready in 4.2 s',
    },
    {
      event: { type: 'broker-ready', id: 'b1', elapsedMs: 900, restarted: true },
      expected: 'b1        restarted, ready in 0.9 s',
    },
    {
      event: { type: 'broker-exited', id: 'b2', how: 'signal SIGKILL', uptimeMs: 61_000 },
      expected: 'b2        exited (signal SIGKILL) after 61.0 s up',
    },
    {
      event: { type: 'broker-restart-scheduled', id: 'b2', delayMs: 1_500, attempt: 2 },
      expected: 'b2        restarting in 1.5 s with its data (restart #2)',
    },
    {
      event: { type: 'broker-restart-failed', id: 'b2', reason: 'port 5673 in use' },
      expected: 'b2        restart failed: port 5673 in use',
    },
    {
      event: {
        type: 'topology-applied',
        id: 'b3',
        summary: { exchanges: 2, queues: 3, bindings: 2, converted: [], kept: [] },
      },
      expected: 'b3        topology declared: 2 exchanges, 3 queues, 2 bindings',
    },
    {
      event: {
        type: 'topology-applied',
        id: 'b1',
        summary: {
          exchanges: 2,
          queues: 3,
          bindings: 2,
          converted: [{ queue: 'events.all', from: 'classic', to: 'quorum' }],
          kept: [{ queue: 'tasks', from: 'classic', to: 'quorum', messages: 12, consumers: 1 }],
        },
      },
      expected:
        'b1        topology declared: 2 exchanges, 3 queues, 2 bindings; queue events.all converted from classic to quorum; queue tasks kept as classic (12 messages, 1 consumer): quorum at a start once empty',
    },
    {
      event: { type: 'nodes-registered', ids: ['b1', 'b2', 'b3'] },
      expected: 'registry  registered b1, b2, b3',
    },
    {
      event: {
        type: 'health-changed',
        id: 'b2',
        from: 'healthy',
        to: 'degraded',
        reason: 'publish confirms slower than 250 ms',
      },
      expected: 'b2        health healthy → degraded (publish confirms slower than 250 ms)',
    },
    {
      event: { type: 'health-changed', id: 'b2', from: 'degraded', to: 'healthy' },
      expected: 'b2        health degraded → healthy',
    },
    { event: { type: 'stopping' }, expected: 'stopping…' },
    {
      event: { type: 'broker-stopped', id: 'eu-west-1a-b2', how: 'SIGTERM' },
      expected: 'eu-west-1a-b2 stopped (SIGTERM)',
    },
  ])('renders $event.type as "$expected"', ({ event, expected }) => {
    expect(renderFleetEvent(event)).toBe(expected);
  });

  it.each<{ name: string; event: FleetEvent }>([
    {
      name: 'a restart attempt of a broker',
      event: { type: 'broker-starting', id: 'b1', url: 'amqp://127.0.0.1:5673', attempt: 2 },
    },
    {
      name: 'the API listening (the ready line reports it)',
      event: { type: 'api-listening', url: 'http://127.0.0.1:8080' },
    },
  ])('prints nothing for $name', ({ event }) => {
    expect(renderFleetEvent(event)).toBeUndefined();
  });

  it('colours health states and failures when given a colouring paint', () => {
    const paint = createPaint(true);
    expect(
      renderFleetEvent(
        { type: 'health-changed', id: 'b2', from: 'healthy', to: 'unhealthy' },
        paint,
      ),
    ).toBe('b2        health \x1b[32mhealthy\x1b[39m → \x1b[31munhealthy\x1b[39m');
    expect(
      renderFleetEvent(
        { type: 'broker-exited', id: 'b2', how: 'signal SIGKILL', uptimeMs: 1_000 },
        paint,
      ),
    ).toBe('b2        \x1b[31mexited (signal SIGKILL)\x1b[39m after 1.0 s up');
  });
});

describe('renderFlapSummary', () => {
  it.each([
    [
      { count: 7, windowMs: 60_000, to: 'degraded', reason: 'publish confirms slower than 250 ms' },
      'b2        health flapped healthy ↔ degraded 7 more times in 60 s; now degraded (publish confirms slower than 250 ms)',
    ],
    [
      { count: 1, windowMs: 20_400, to: 'healthy' },
      'b2        health flapped healthy ↔ degraded 1 more time in 20 s; now healthy',
    ],
  ] as const)('renders %j as %j', (summary, expected) => {
    expect(renderFlapSummary({ type: 'health-flapped', id: 'b2', ...summary })).toBe(expected);
  });
});
