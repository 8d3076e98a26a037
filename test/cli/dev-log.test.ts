import { describe, expect, it } from 'vitest';
import { createPaint, noPaint } from '../../src/cli/ansi-style.js';
import { createDevLog } from '../../src/cli/dev-log.js';
import type { FleetEvent } from '../../src/fleet/fleet-events.js';

const start = Date.parse('2026-11-26T12:00:00.000Z');
const flap = (from: 'healthy' | 'degraded', to: 'healthy' | 'degraded'): FleetEvent => ({
  type: 'health-changed',
  id: 'b2',
  from,
  to,
});

function logWith(json: boolean, paint = noPaint) {
  const lines: string[] = [];
  let nowMs = start;
  const log = createDevLog({ json, paint, out: (line) => lines.push(line), nowMs: () => nowMs });
  return { log, lines, at: (seconds: number) => (nowMs = start + seconds * 1000) };
}

describe('createDevLog', () => {
  it('prints the notes as text, the replicas line only when more than one broker confirms', () => {
    const { log, lines } = logWith(false);
    const starting = {
      type: 'fleet-starting',
      brokers: 3,
      existing: false,
      dataDir: '.warren',
    } as const;

    log.note({ ...starting, replicas: 1 });
    log.note({ ...starting, replicas: 2 });
    log.note({
      type: 'fleet-ready',
      apiUrl: 'http://127.0.0.1:8080',
      readyMs: 12_040,
      brokers: ['b1'],
    });
    log.note({ type: 'fleet-stopped' });

    expect(lines).toEqual([
      'warren dev: starting 3 RabbitMQ brokers, data in .warren',
      'warren dev: starting 3 RabbitMQ brokers, data in .warren',
      'warren dev: 2 brokers confirm each message unless a request asks otherwise',
      'warren is ready in 12.0 s: API on http://127.0.0.1:8080 (1 brokers: GET http://127.0.0.1:8080/v1/nodes). Ctrl-C stops everything.',
      'warren dev: stopped',
    ]);
  });

  it('summarises flaps in text, printing the summary when a tick finds it due', () => {
    const { log, lines, at } = logWith(false);
    for (const [seconds, event] of [
      [0, flap('healthy', 'degraded')],
      [5, flap('degraded', 'healthy')],
      [10, flap('healthy', 'degraded')],
      [15, flap('degraded', 'healthy')],
    ] as const) {
      at(seconds);
      log.event(event);
    }
    at(30);
    log.tick();
    at(60);
    log.tick();

    expect(lines).toEqual([
      'b2        health healthy → degraded',
      'b2        health degraded → healthy',
      'b2        health flapped healthy ↔ degraded 2 more times in 60 s; now healthy',
    ]);
  });

  it('colours text lines with the paint it is given', () => {
    const { log, lines } = logWith(false, createPaint(true));
    log.event(flap('healthy', 'degraded'));
    expect(lines).toEqual(['b2        health \x1b[32mhealthy\x1b[39m → \x1b[33mdegraded\x1b[39m']);
  });

  it('prints every note and event as a JSON line with its time, no flap held back, never coloured', () => {
    const { log, lines, at } = logWith(true, createPaint(true));
    log.note({
      type: 'fleet-starting',
      brokers: 1,
      existing: true,
      dataDir: '/tmp/x',
      replicas: 1,
    });
    for (let i = 0; i < 4; i++)
      log.event(flap(i % 2 ? 'degraded' : 'healthy', i % 2 ? 'healthy' : 'degraded'));
    log.event({ type: 'api-listening', url: 'http://127.0.0.1:8080' });
    at(90);
    log.tick();
    log.note({ type: 'fleet-stopped' });

    const documents = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(documents.map((document) => document.type)).toEqual([
      'fleet-starting',
      'health-changed',
      'health-changed',
      'health-changed',
      'health-changed',
      'api-listening',
      'fleet-stopped',
    ]);
    expect(documents[0]).toEqual({
      time: '2026-11-26T12:00:00.000Z',
      type: 'fleet-starting',
      brokers: 1,
      existing: true,
      dataDir: '/tmp/x',
      replicas: 1,
    });
    expect(documents[1]).toEqual({
      time: '2026-11-26T12:00:00.000Z',
      type: 'health-changed',
      id: 'b2',
      from: 'healthy',
      to: 'degraded',
    });
    expect(documents[6]?.time).toBe('2026-11-26T12:01:30.000Z');
    expect(lines.join('')).not.toContain('\x1b[');
  });
});
