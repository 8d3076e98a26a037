import { describe, expect, it } from 'vitest';
import { type Declaration, declarationOrder } from '../../src/topology/declaration-order.js';
import { defaultTopology, parseTopology } from '../../src/topology/load-topology.js';
import { PROBE_QUEUE, withProbeQueue } from '../../src/topology/probe-queue.js';
import { binding, exchange, queue } from './topology-fixtures.js';

const label = (declaration: Declaration): string => {
  switch (declaration.kind) {
    case 'exchange':
      return `exchange ${declaration.exchange.name}`;
    case 'queue':
      return `queue ${declaration.queue.name}`;
    case 'binding':
      return `binding ${declaration.binding.source}->${declaration.binding.destination}`;
    default: {
      const unknown: never = declaration;
      return String(unknown);
    }
  }
};

describe('declarationOrder', () => {
  it('declares the default topology with the probe queue after every exchange, queue and binding', () => {
    expect(declarationOrder(withProbeQueue(defaultTopology)).map(label)).toEqual([
      'exchange events',
      'exchange warren.dead-letter',
      'queue tasks',
      'queue events.all',
      'queue warren.dead-letter',
      'binding events->events.all',
      'binding warren.dead-letter->warren.dead-letter',
      `queue ${PROBE_QUEUE}`,
    ]);
  });

  it.each([
    [
      'a topology that lists the probe queue first',
      {
        exchanges: [exchange('orders')],
        queues: [queue(PROBE_QUEUE), queue('orders')],
        bindings: [binding('orders', 'orders')],
      },
      ['exchange orders', 'queue orders', 'binding orders->orders', `queue ${PROBE_QUEUE}`],
    ],
    [
      'a topology that binds an exchange to the probe queue',
      {
        exchanges: [exchange('orders'), exchange('watch', 'fanout')],
        queues: [queue('orders'), queue(PROBE_QUEUE)],
        bindings: [
          binding('watch', PROBE_QUEUE),
          binding('orders', 'orders'),
          binding('orders', 'watch', 'exchange'),
        ],
      },
      [
        'exchange orders',
        'exchange watch',
        'queue orders',
        'binding orders->orders',
        'binding orders->watch',
        `queue ${PROBE_QUEUE}`,
        `binding watch->${PROBE_QUEUE}`,
      ],
    ],
    [
      'a topology without the probe queue',
      { exchanges: [exchange('orders')], queues: [queue('orders')], bindings: [] },
      ['exchange orders', 'queue orders'],
    ],
    [
      'an exchange named like the probe queue (only the queue is the marker)',
      {
        exchanges: [exchange(PROBE_QUEUE)],
        queues: [queue('orders'), queue(PROBE_QUEUE)],
        bindings: [binding(PROBE_QUEUE, 'orders')],
      },
      [
        `exchange ${PROBE_QUEUE}`,
        'queue orders',
        `binding ${PROBE_QUEUE}->orders`,
        `queue ${PROBE_QUEUE}`,
      ],
    ],
  ])('orders %s', (_, document, expected) => {
    expect(declarationOrder(parseTopology(document)).map(label)).toEqual(expected);
  });

  it('declares each object exactly once', () => {
    const topology = withProbeQueue(defaultTopology);
    const order = declarationOrder(topology);
    expect(order).toHaveLength(
      topology.exchanges.length + topology.queues.length + topology.bindings.length,
    );
    expect(new Set(order.map(label)).size).toBe(order.length);
  });
});
