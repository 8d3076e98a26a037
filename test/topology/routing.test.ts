import { describe, expect, it } from 'vitest';
import { parseTopology } from '../../src/topology/load-topology.js';
import {
  type BindingMatch,
  headersMatch,
  type Route,
  routeOf,
  topicMatches,
} from '../../src/topology/routing.js';

type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers';

/** A topology from compact rows: exchanges `[name, type, arguments?, internal?]`, bindings `[source, destination, key?, arguments?]`. */
function topology(
  exchanges: [string, ExchangeType, Record<string, unknown>?, boolean?][],
  bindings: [string, string, string?, Record<string, unknown>?][],
) {
  const exchangeNames = new Set(exchanges.map(([name]) => name));
  const queueNames = new Set(
    bindings.map(([, destination]) => destination).filter((name) => !exchangeNames.has(name)),
  );
  return parseTopology({
    exchanges: exchanges.map(([name, type, args = {}, internal = false]) => ({
      name,
      type,
      internal,
      arguments: args,
    })),
    queues: [...queueNames, 'idle'].map((name) => ({ name })),
    bindings: bindings.map(([source, destination, key = '', args = {}]) => ({
      source,
      destination,
      destination_type: exchangeNames.has(destination) ? 'exchange' : 'queue',
      routing_key: key,
      arguments: args,
    })),
  });
}

const routed = (...queues: string[]): Route => ({ status: 'routable', queues, maybeQueues: [] });
const status = (route: Route) => (route.status === 'unroutable' ? route.reason : route.status);

describe('topicMatches', () => {
  it.each<[string, string, boolean]>([
    ['a.b', 'a.b', true],
    ['a.b', 'a.c', false],
    ['a.b', 'a.b.c', false],
    ['A.b', 'a.b', false],
    ['a*', 'ab', false],
    ['a*', 'a*', true],
    ['*', 'a', true],
    ['*', '', false],
    ['*', '.', false],
    ['*', 'a.b', false],
    ['*.*', 'a.b', true],
    ['*.*', '.', true],
    ['*.*', 'a', false],
    ['*.*', 'a.b.c', false],
    ['a.*', 'a.b', true],
    ['a.*', 'a.', true],
    ['a.*', 'a', false],
    ['a.*', 'a.b.c', false],
    ['#', '', true],
    ['#', 'a', true],
    ['#', 'a.b.c', true],
    ['#', '..', true],
    ['#.#', '', true],
    ['#.#', 'a.b', true],
    ['a.#', 'a', true],
    ['a.#', 'a.b.c', true],
    ['a.#', 'b.a', false],
    ['a.#', 'ab', false],
    ['#.b', 'b', true],
    ['#.b', 'a.b', true],
    ['#.b', 'a.b.c', false],
    ['a.#.b', 'a.b', true],
    ['a.#.b', 'a.x.y.b', true],
    ['a.#.b', 'a.b.b', true],
    ['a.#.b', 'a', false],
    ['a.#.b', 'a.b.c', false],
    ['*.#', '', false],
    ['*.#', 'a', true],
    ['#.*', 'a.b', true],
    ['#.*.#', '', false],
    ['*.#.*', 'a', false],
    ['*.#.*', 'a.b', true],
    ['a.#.#.b', 'a.b', true],
    ['', '', true],
    ['', 'a', false],
    ['', '.', false],
    ['a..b', 'a..b', true],
    ['a.*.b', 'a..b', true],
    ['a.#.b', 'a..b', true],
    ['a..b', 'a.b', false],
    ['.', '.', true],
    ['.', '', false],
    ['a.', 'a', false],
    ['a.', 'a.', true],
    ['#', '#', true],
    ['a.#', 'a.*', true],
  ])('binding key %j against routing key %j: %s', (bindingKey, routingKey, expected) => {
    expect(topicMatches(bindingKey, routingKey)).toBe(expected);
  });
});

describe('headersMatch', () => {
  it.each<[string, Record<string, unknown>, Record<string, string> | undefined, BindingMatch]>([
    [
      'all: every argument equal',
      { format: 'pdf', type: 'report' },
      { format: 'pdf', type: 'report', extra: '1' },
      'yes',
    ],
    ['all is the default x-match', { format: 'pdf', type: 'report' }, { format: 'pdf' }, 'no'],
    ['all: a different value', { 'x-match': 'all', format: 'pdf' }, { format: 'csv' }, 'no'],
    [
      'any: one argument equal',
      { 'x-match': 'any', format: 'pdf', type: 'log' },
      { type: 'log' },
      'yes',
    ],
    ['any: none equal', { 'x-match': 'any', format: 'pdf', type: 'log' }, { format: 'csv' }, 'no'],
    ['all with nothing to match matches any message', { 'x-match': 'all' }, {}, 'yes'],
    ['any with nothing to match matches none', { 'x-match': 'any' }, { format: 'pdf' }, 'no'],
    ['all ignores x- arguments', { 'x-match': 'all', 'x-tenant': 'acme' }, {}, 'yes'],
    [
      'any ignores x- arguments',
      { 'x-match': 'any', 'x-tenant': 'acme' },
      { 'x-tenant': 'acme' },
      'no',
    ],
    [
      'all-with-x counts x- arguments',
      { 'x-match': 'all-with-x', 'x-tenant': 'acme' },
      { 'x-tenant': 'acme' },
      'yes',
    ],
    ['all-with-x: x- header missing', { 'x-match': 'all-with-x', 'x-tenant': 'acme' }, {}, 'no'],
    [
      'any-with-x counts x- arguments',
      { 'x-match': 'any-with-x', 'x-tenant': 'acme', a: '1' },
      { 'x-tenant': 'acme' },
      'yes',
    ],
    ['null means presence', { 'x-match': 'all', format: null }, { format: 'anything' }, 'yes'],
    ['null needs the header', { 'x-match': 'all', format: null }, {}, 'no'],
    ['a number never equals a string header', { n: 1 }, { n: '1' }, 'no'],
    [
      'a boolean never equals a string header',
      { 'x-match': 'any', flag: true, a: '1' },
      { flag: 'true' },
      'no',
    ],
    ['values are case-sensitive', { format: 'pdf' }, { format: 'PDF' }, 'no'],
    ['unknown headers: may match', { format: 'pdf' }, undefined, 'maybe'],
    [
      'unknown headers: all with nothing to match still matches',
      { 'x-match': 'all' },
      undefined,
      'yes',
    ],
    [
      'unknown headers: any with nothing to match still does not',
      { 'x-match': 'any', 'x-a': '1' },
      undefined,
      'no',
    ],
    [
      'unknown headers: all with a number can never match',
      { format: 'pdf', n: 1 },
      undefined,
      'no',
    ],
  ])('%s', (_, bindingArguments, headers, expected) => {
    expect(headersMatch(bindingArguments, headers)).toBe(expected);
  });
});

describe('routeOf', () => {
  const fleet = topology(
    [
      ['orders', 'direct'],
      ['broadcast', 'fanout'],
      ['events', 'topic'],
      ['docs', 'headers'],
      ['hidden', 'fanout', {}, true],
      ['with-alternate', 'direct', { 'alternate-exchange': 'unrouted' }],
      ['unrouted', 'fanout'],
      ['to-empty', 'direct', { 'alternate-exchange': 'unrouted' }],
      ['empty', 'direct'],
      ['chain', 'topic', { 'alternate-exchange': 'missing' }],
      ['cycle-a', 'fanout'],
      ['cycle-b', 'fanout'],
      ['alt-cycle', 'direct', { 'alternate-exchange': 'alt-cycle' }],
      ['mixed', 'fanout'],
      ['mixed-docs', 'headers', { 'alternate-exchange': 'unrouted' }],
    ],
    [
      ['orders', 'created', 'order.created'],
      ['orders', 'created-too', 'order.created'],
      ['orders', 'empty-key', ''],
      ['broadcast', 'b1', 'ignored'],
      ['broadcast', 'b2'],
      ['events', 'all', '#'],
      ['events', 'orders-only', 'order.*'],
      ['events', 'all', 'order.#'],
      ['docs', 'pdfs', '', { format: 'pdf' }],
      ['docs', 'everything', '', { 'x-match': 'all' }],
      ['hidden', 'secret'],
      ['with-alternate', 'known', 'known'],
      ['unrouted', 'leftovers'],
      ['to-empty', 'empty', 'to-empty'],
      ['chain', 'orders', 'order.#'],
      ['chain', 'hidden', 'secret.#'],
      ['cycle-a', 'cycle-b'],
      ['cycle-b', 'cycle-a'],
      ['cycle-b', 'cycled'],
      ['mixed', 'b1'],
      ['mixed', 'docs'],
      ['mixed-docs', 'pdfs', '', { format: 'pdf' }],
    ],
  );
  const withoutCatchAll = topology([['narrow', 'topic']], [['narrow', 'orders-only', 'order.*']]);
  const onlyHeaders = topology(
    [
      ['docs', 'headers', { 'alternate-exchange': 'unrouted' }],
      ['unrouted', 'fanout'],
    ],
    [
      ['docs', 'pdfs', '', { format: 'pdf' }],
      ['docs', 'csvs', '', { format: 'csv' }],
      ['unrouted', 'leftovers'],
    ],
  );

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
