import { describe, expect, it } from 'vitest';
import { scenarioTargets } from '../../bench/prober-round/fleet-scenario.js';
import { peakInWindow } from '../../bench/prober-round/round-recorder.js';

describe('peakInWindow', () => {
  it.each([
    { times: [], peak: 0 },
    { times: [5], peak: 1 },
    { times: [0, 999, 1_000, 2_000], peak: 2 },
    { times: [0, 100, 200, 1_150, 1_199], peak: 3 },
    { times: [1_199, 0, 200, 1_150, 100], peak: 3 },
  ])('finds $peak of $times within one second', ({ times, peak }) => {
    expect(peakInWindow(times, 1_000)).toBe(peak);
  });
});

describe('scenarioTargets', () => {
  it('makes a tenth hung and a tenth refusing, interleaved, the rest relayed round-robin to the management relays', () => {
    const ports = {
      hanging: [101, 102],
      relayed: Array.from({ length: 16 }, (_, i) => 201 + i),
      management: [301, 302, 303],
    };

    const targets = scenarioTargets(20, ports, [401, 402]);

    const letter = { healthy: '.', hung: 'h', refused: 'r' } as const;
    expect(targets.map((t) => letter[t.kind]).join('')).toBe('hr........hr........');
    expect(targets.filter((t) => t.kind === 'hung').map((t) => t.endpoint)).toEqual([
      'amqp://127.0.0.1:101',
      'amqp://127.0.0.1:102',
    ]);
    expect(targets.filter((t) => t.kind === 'refused').map((t) => t.id)).toEqual([
      'b0002',
      'b0012',
    ]);
    const healthy = targets.filter((t) => t.kind === 'healthy');
    expect(healthy).toHaveLength(16);
    expect(healthy.slice(0, 4).map((t) => t.managementEndpoint)).toEqual([
      'http://127.0.0.1:301',
      'http://127.0.0.1:302',
      'http://127.0.0.1:303',
      'http://127.0.0.1:301',
    ]);
    expect(targets.filter((t) => t.kind !== 'healthy').every((t) => !t.managementEndpoint)).toBe(
      true,
    );
  });
});
