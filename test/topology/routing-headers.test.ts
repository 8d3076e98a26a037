import { describe, expect, it } from 'vitest';
import { type Route, routeOf } from '../../src/topology/routing.js';
import { fleet, onlyHeaders, routed, type topology } from './routing-fixtures.js';

describe('routeOf', () => {
  it.each<[string, ReturnType<typeof topology>, string, Partial<Route>]>([
    [
      'a headers exchange: undecided, listing what it may reach',
      onlyHeaders,
      'docs',
      {
        status: 'undecided',
        maybeQueues: ['csvs', 'leftovers', 'pdfs'],
      },
    ],
    [
      'routable when a binding matches whatever the headers',
      fleet,
      'docs',
      { status: 'routable', queues: ['everything'], maybeQueues: ['pdfs'] },
    ],
    [
      'routable through a fanout, the headers branch only maybe',
      fleet,
      'mixed',
      { status: 'routable', queues: ['b1', 'everything'], maybeQueues: ['pdfs'] },
    ],
    [
      'the alternate may be taken when the bindings may match nothing',
      fleet,
      'mixed-docs',
      { status: 'undecided', maybeQueues: ['leftovers', 'pdfs'] },
    ],
  ])('without headers: %s', (_, definitions, exchange, expected) => {
    const route = routeOf(definitions, { exchange, routingKey: '' });
    expect(route).toMatchObject(expected);
    if (route.status === 'undecided') expect(route.message).toContain('headers');
  });

  it.each<[Record<string, string>, Route]>([
    [{ format: 'pdf' }, routed('pdfs')],
    [{ format: 'csv' }, routed('csvs')],
    [{ format: 'doc' }, routed('leftovers')],
    [{}, routed('leftovers')],
  ])('headers %j decide between bindings and the alternate', (headers, expected) => {
    expect(routeOf(onlyHeaders, { exchange: 'docs', routingKey: '', headers })).toEqual(expected);
  });

  it.each(['CC', 'BCC'])(
    'refuses a message with a string %s header, which the broker rejects',
    (header) => {
      const route = routeOf(fleet, {
        exchange: 'broadcast',
        routingKey: '',
        headers: { [header]: 'x' },
      });
      expect(route).toMatchObject({ status: 'unroutable', reason: 'header-rejected' });
      expect(
        routeOf(fleet, { exchange: 'broadcast', routingKey: '', headers: { cc: 'x' } }),
      ).toEqual(routed('b1', 'b2'));
    },
  );

  it('ignores routing keys and headers an exchange type does not use', () => {
    expect(
      routeOf(fleet, {
        exchange: 'orders',
        routingKey: 'order.created',
        headers: { format: 'pdf' },
      }),
    ).toEqual(routeOf(fleet, { exchange: 'orders', routingKey: 'order.created' }));
  });
});
