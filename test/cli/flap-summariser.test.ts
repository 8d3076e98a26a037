import { describe, expect, it } from 'vitest';
import { createFlapSummariser, type DevLogEntry } from '../../src/cli/flap-summariser.js';
import type { HealthStateName } from '../../src/core/broker-node.js';
import type { FleetEvent } from '../../src/fleet/fleet-events.js';

/** `b2 healthy>degraded`, `tick`, `stopping` or `b2 ready`, at a second on the test's clock. */
type Step = readonly [atS: number, input: string];

function eventOf(input: string): FleetEvent | 'tick' {
  if (input === 'tick') return 'tick';
  if (input === 'stopping') return { type: 'stopping' };
  const [id = '', change = ''] = input.split(' ');
  if (change === 'ready') return { type: 'broker-ready', id, elapsedMs: 1_000, restarted: true };
  const [from, to] = change.split('>') as [HealthStateName, HealthStateName];
  return { type: 'health-changed', id, from, to, ...(to === 'degraded' && { reason: 'slow' }) };
}

function describeEntry(entry: DevLogEntry): string {
  switch (entry.type) {
    case 'health-changed':
      return `${entry.id} ${entry.from}>${entry.to}`;
    case 'health-flapped':
      return `${entry.id} flapped ${entry.count} in ${entry.windowMs / 1000} s, now ${entry.to}${entry.reason ? ` (${entry.reason})` : ''}`;
    case 'broker-ready':
      return `${entry.id} ready`;
    default:
      return entry.type;
  }
}

/** What the log prints for the steps, each line prefixed by the second it is printed at. */
function run(steps: readonly Step[], options = {}): string[] {
  const flaps = createFlapSummariser(options);
  const printed: string[] = [];
  for (const [atS, input] of steps) {
    const event = eventOf(input);
    const entries = event === 'tick' ? flaps.due(atS * 1000) : flaps.observe(event, atS * 1000);
    for (const entry of entries) printed.push(`${atS}: ${describeEntry(entry)}`);
  }
  return printed;
}

describe('createFlapSummariser', () => {
  it.each<{ name: string; steps: Step[]; printed: string[] }>([
    {
      name: 'passes on one degrade and its recovery as they happen',
      steps: [
        [0, 'b2 healthy>degraded'],
        [5, 'b2 degraded>healthy'],
        [61, 'tick'],
      ],
      printed: ['0: b2 healthy>degraded', '5: b2 degraded>healthy'],
    },
    {
      name: 'holds back the third flap in a minute and summarises it when the minute ends',
      steps: [
        [0, 'b2 healthy>degraded'],
        [5, 'b2 degraded>healthy'],
        [10, 'b2 healthy>degraded'],
        [59, 'tick'],
        [60, 'tick'],
      ],
      printed: [
        '0: b2 healthy>degraded',
        '5: b2 degraded>healthy',
        '60: b2 flapped 1 in 60 s, now degraded (slow)',
      ],
    },
    {
      name: 'summarises a broker that keeps flapping once a minute, then goes quiet again',
      steps: [
        [0, 'b2 healthy>degraded'],
        [6, 'b2 degraded>healthy'],
        [12, 'b2 healthy>degraded'],
        [18, 'b2 degraded>healthy'],
        [24, 'b2 healthy>degraded'],
        [60, 'tick'],
        [70, 'b2 degraded>healthy'],
        [80, 'b2 healthy>degraded'],
        [90, 'b2 degraded>healthy'],
        [120, 'tick'],
        [180, 'tick'],
        [200, 'b2 healthy>degraded'],
      ],
      printed: [
        '0: b2 healthy>degraded',
        '6: b2 degraded>healthy',
        '60: b2 flapped 3 in 60 s, now degraded (slow)',
        '120: b2 flapped 3 in 60 s, now healthy',
        '200: b2 healthy>degraded',
      ],
    },
    {
      name: 'counts each broker on its own',
      steps: [
        [0, 'b1 healthy>degraded'],
        [1, 'b2 healthy>degraded'],
        [2, 'b1 degraded>healthy'],
        [3, 'b1 healthy>degraded'],
        [4, 'b2 degraded>healthy'],
        [60, 'tick'],
        [61, 'tick'],
      ],
      printed: [
        '0: b1 healthy>degraded',
        '1: b2 healthy>degraded',
        '2: b1 degraded>healthy',
        '4: b2 degraded>healthy',
        '60: b1 flapped 1 in 60 s, now degraded (slow)',
      ],
    },
    {
      name: 'always passes on a change to unhealthy, after the summary of the flaps it interrupts',
      steps: [
        [0, 'b2 healthy>degraded'],
        [5, 'b2 degraded>healthy'],
        [10, 'b2 healthy>degraded'],
        [20, 'b2 degraded>unhealthy'],
        [25, 'b2 unhealthy>healthy'],
        [30, 'b2 healthy>degraded'],
      ],
      printed: [
        '0: b2 healthy>degraded',
        '5: b2 degraded>healthy',
        '20: b2 flapped 1 in 20 s, now degraded (slow)',
        '20: b2 degraded>unhealthy',
        '25: b2 unhealthy>healthy',
        '30: b2 healthy>degraded',
      ],
    },
    {
      name: 'never holds back changes to or from blocked and initial',
      steps: [
        [0, 'b1 initial>healthy'],
        [1, 'b1 healthy>degraded'],
        [2, 'b1 degraded>healthy'],
        [3, 'b1 healthy>blocked'],
        [4, 'b1 blocked>healthy'],
        [5, 'b1 healthy>blocked'],
      ],
      printed: [
        '0: b1 initial>healthy',
        '1: b1 healthy>degraded',
        '2: b1 degraded>healthy',
        '3: b1 healthy>blocked',
        '4: b1 blocked>healthy',
        '5: b1 healthy>blocked',
      ],
    },
    {
      name: 'passes other events through, closing the windows that have ended first',
      steps: [
        [0, 'b2 healthy>degraded'],
        [1, 'b2 degraded>healthy'],
        [2, 'b2 healthy>degraded'],
        [75, 'b3 ready'],
      ],
      printed: [
        '0: b2 healthy>degraded',
        '1: b2 degraded>healthy',
        '75: b2 flapped 1 in 75 s, now degraded (slow)',
        '75: b3 ready',
      ],
    },
    {
      name: 'summarises every pending flap before the fleet says it is stopping',
      steps: [
        [0, 'b2 healthy>degraded'],
        [1, 'b2 degraded>healthy'],
        [2, 'b2 healthy>degraded'],
        [3, 'b2 degraded>healthy'],
        [9, 'stopping'],
        [70, 'tick'],
      ],
      printed: [
        '0: b2 healthy>degraded',
        '1: b2 degraded>healthy',
        '9: b2 flapped 2 in 9 s, now healthy',
        '9: stopping',
      ],
    },
  ])('$name', ({ steps, printed }) => {
    expect(run(steps)).toEqual(printed);
  });

  it('takes the window and the burst it is given', () => {
    const steps: Step[] = [
      [0, 'b2 healthy>degraded'],
      [1, 'b2 degraded>healthy'],
      [2, 'b2 healthy>degraded'],
      [10, 'tick'],
    ];
    expect(run(steps, { windowMs: 10_000, burst: 1 })).toEqual([
      '0: b2 healthy>degraded',
      '10: b2 flapped 2 in 10 s, now degraded (slow)',
    ]);
  });
});
