import { describe, expect, it } from 'vitest';
import { type Route, routeOf } from '../../src/topology/routing.js';
import { fleet, routed, status, type topology, withoutCatchAll } from './routing-fixtures.js';

describe('routeOf', () => {
  it.each<
    [string, ReturnType<typeof topology>, string, string, Record<string, string> | undefined, Route]
  >([
    [
      'direct: every binding with the exact key',
      fleet,
      'orders',
      'order.created',
      {},
      routed('created', 'created-too'),
    ],
    ['direct: the empty key is a key like any other', fleet, 'orders', '', {}, routed('empty-key')],
    [
      'fanout: every binding, whatever its key',
      fleet,
      'broadcast',
      'anything',
      {},
      routed('b1', 'b2'),
    ],
    [
      'topic: a queue bound twice is listed once',
      fleet,
      'events',
      'order.created',
      {},
      routed('all', 'orders-only'),
    ],
    ['topic: # takes the empty routing key', fleet, 'events', '', {}, routed('all')],
    [
      'headers: with the headers given',
      fleet,
      'docs',
      '',
      { format: 'pdf' },
      routed('everything', 'pdfs'),
    ],
    ['default exchange: the queue named by the key', fleet, '', 'idle', {}, routed('idle')],
    [
      'alternate exchange: takes what no binding matches',
      fleet,
      'with-alternate',
      'other',
      {},
      routed('leftovers'),
    ],
    [
      'alternate exchange: unused when a binding matches',
      fleet,
      'with-alternate',
      'known',
      {},
      routed('known'),
    ],
    [
      'exchange to exchange, into an internal one',
      fleet,
      'chain',
      'secret.x',
      {},
      routed('secret'),
    ],
    [
      'exchange to exchange, several hops',
      fleet,
      'chain',
      'order.created',
      {},
      routed('created', 'created-too'),
    ],
    ['a cycle of exchanges routes each queue once', fleet, 'cycle-a', 'x', {}, routed('cycled')],
    [
      'a fanout into a headers exchange, headers given',
      fleet,
      'mixed',
      '',
      { format: 'csv' },
      routed('b1', 'everything'),
    ],
  ])('%s', (_, definitions, exchange, routingKey, headers, expected) => {
    expect(routeOf(definitions, { exchange, routingKey, headers })).toEqual(expected);
  });

  it.each<[string, ReturnType<typeof topology>, string, string, string]>([
    ['an exchange the topology does not declare', fleet, 'nowhere', 'x', 'exchange-not-declared'],
    [
      'a predeclared amq.* exchange, not in the topology',
      fleet,
      'amq.topic',
      'x',
      'exchange-not-declared',
    ],
    ['an internal exchange', fleet, 'hidden', 'x', 'exchange-internal'],
    ['the default exchange with an undeclared queue', fleet, '', 'missing', 'queue-not-declared'],
    ['direct: no binding with the key', fleet, 'orders', 'order.deleted', 'no-binding-matches'],
    [
      'topic: no pattern matches',
      withoutCatchAll,
      'narrow',
      'order.created.eu',
      'no-binding-matches',
    ],
    ['topic: * needs a word', withoutCatchAll, 'narrow', 'order', 'no-binding-matches'],
    ['an exchange with no bindings', fleet, 'empty', 'x', 'no-binding-matches'],
    // RabbitMQ takes an alternate only when the exchange's own bindings match nothing.
    [
      'a match into an exchange that routes nowhere skips the alternate',
      fleet,
      'to-empty',
      'to-empty',
      'no-binding-matches',
    ],
    ['an undeclared alternate is skipped', fleet, 'chain', 'other', 'no-binding-matches'],
    ['an exchange that is its own alternate', fleet, 'alt-cycle', 'x', 'no-binding-matches'],
  ])('refuses %s', (_, definitions, exchange, routingKey, reason) => {
    const route = routeOf(definitions, { exchange, routingKey, headers: {} });
    expect(status(route)).toBe(reason);
    expect(route).toHaveProperty(
      'message',
      expect.stringContaining(exchange === '' ? routingKey : exchange),
    );
  });
});
