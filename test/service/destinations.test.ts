import { describe, expect, it } from 'vitest';
import { errorOutcome } from '../../src/http/error-table.js';
import type { Destination } from '../../src/publish/publisher.js';
import { resolveDestination } from '../../src/service/destinations.js';
import { PublishRequestError } from '../../src/service/publish-request-error.js';
import { defaultTopology, parseTopology } from '../../src/topology/load-topology.js';
import { withProbeQueue } from '../../src/topology/probe-queue.js';

// As the fleet and the Lambda see it: the user's topology plus the probe queue.
const topology = withProbeQueue(
  parseTopology({
    ...defaultTopology,
    exchanges: [
      ...defaultTopology.exchanges,
      { name: 'audit.internal', type: 'fanout', internal: true },
      { name: 'warren.custom', type: 'topic' },
      { name: 'regional', type: 'topic' },
    ],
    queues: [...defaultTopology.queues, { name: 'warren.mine' }, { name: 'regional.eu' }],
    bindings: [
      ...defaultTopology.bindings,
      {
        source: 'regional',
        destination: 'regional.eu',
        destination_type: 'queue',
        routing_key: 'eu.*',
      },
    ],
  }),
);
const queue = (name: string): Destination => ({ kind: 'queue', queue: name });
const exchange = (name: string, routingKey = ''): Destination => ({
  kind: 'exchange',
  exchange: name,
  routingKey,
});

describe('resolveDestination', () => {
  it.each([
    ['the queue tasks', queue('tasks')],
    ['the queue events.all', queue('events.all')],
    ['the exchange events with a routing key', exchange('events', 'orders.created')],
    ['the exchange events with an empty routing key', exchange('events')],
  ])('returns %s, which the topology declares', (_name, destination) => {
    expect(resolveDestination({ destination }, topology)).toEqual(destination);
  });

  it.each([
    ['an undeclared queue', queue('orders'), 'queue "orders"'],
    ['a queue named like a declared exchange', queue('events'), 'queue "events"'],
    ['an exchange named like a declared queue', exchange('tasks'), 'exchange "tasks"'],
    ['a declared queue in another case', queue('Tasks'), 'queue "Tasks"'],
    ['the probe queue', queue('warren.probe'), 'queue "warren.probe"'],
    ['the dead-letter queue', queue('warren.dead-letter'), 'queue "warren.dead-letter"'],
    ['the dead-letter exchange', exchange('warren.dead-letter'), 'exchange "warren.dead-letter"'],
    ['a declared queue in the warren. namespace', queue('warren.mine'), 'queue "warren.mine"'],
    [
      'a declared exchange in the warren. namespace',
      exchange('warren.custom'),
      'exchange "warren.custom"',
    ],
    ['a declared internal exchange', exchange('audit.internal'), 'exchange "audit.internal"'],
    ['a built-in amq. exchange', exchange('amq.topic', 'a'), 'exchange "amq.topic"'],
  ])('refuses %s with 404 unknown_destination', (_name, destination, named) => {
    const error = (() => {
      try {
        resolveDestination({ destination }, topology);
      } catch (caught) {
        return caught;
      }
      throw new Error('expected a refusal');
    })();

    expect(error).toBeInstanceOf(PublishRequestError);
    expect(error).toMatchObject({ problem: 'unknown_destination' });
    expect(errorOutcome(error).status).toBe(404);
    expect((error as PublishRequestError).message).toContain(named);
  });

  it('refuses everything when the topology declares nothing', () => {
    const empty = parseTopology({});

    expect(() => resolveDestination({ destination: queue('tasks') }, empty)).toThrow(
      'queue "tasks" is not a destination',
    );
  });

  it('refuses with a 422 an exchange publish whose routing key no binding matches', () => {
    expect(resolveDestination({ destination: exchange('regional', 'eu.west') }, topology)).toEqual(
      exchange('regional', 'eu.west'),
    );
    let refused: unknown;
    try {
      resolveDestination({ destination: exchange('regional', 'us.east') }, topology);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(PublishRequestError);
    expect(refused).toMatchObject({ problem: 'unroutable' });
    expect(errorOutcome(refused).status).toBe(422);
  });
});
