/** Topologies and route builders the routing tests share. */
import { parseTopology } from '../../src/topology/load-topology.js';
import type { Route } from '../../src/topology/routing.js';

type ExchangeType = 'direct' | 'fanout' | 'topic' | 'headers';

/** A topology from compact rows: exchanges `[name, type, arguments?, internal?]`, bindings `[source, destination, key?, arguments?]`. */
export function topology(
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

export const routed = (...queues: string[]): Route => ({
  status: 'routable',
  queues,
  maybeQueues: [],
});
export const status = (route: Route) =>
  route.status === 'unroutable' ? route.reason : route.status;

/** Every exchange type, internal exchanges, alternates, exchange-to-exchange hops and cycles. */
export const fleet = topology(
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
export const withoutCatchAll = topology(
  [['narrow', 'topic']],
  [['narrow', 'orders-only', 'order.*']],
);
export const onlyHeaders = topology(
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
