import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyTopology } from '../../src/topology/apply-topology.js';
import { parseTopology } from '../../src/topology/load-topology.js';
import { routeOf } from '../../src/topology/routing.js';
import type { Topology } from '../../src/topology/topology.js';
import { withChannel } from '../support/amqp.js';

const url = inject('fleet').brokers[0]?.local?.url ?? '';
const prefix = `warren.test.routing.${randomUUID().slice(0, 8)}`;
const name = (local: string) => `${prefix}.${local}`;

const routingKeys = [
  ...['', 'a', 'b', 'ab', 'A.b', 'b.a', 'a.b', 'a.b.c', 'a.b.b', 'x.a.b', 'a.x.y.b'],
  ...['a..b', '.', '..', 'a.', '.b', '#', '*', 'a.*'],
];
/** One topic exchange per pattern, each with one queue, so the broker's answer is one match. */
const patterns = ['a.*', '#', 'a.#.b', '*.*', '#.b', 'a.#', '#.#', '*', '', 'a..b', '*.#', '#.*.#'];

interface Publish {
  readonly exchange: string;
  readonly routingKey: string;
  readonly headers?: Record<string, string>;
}

const headersCases: [string, Publish][] = [
  [
    'headers: all and any on one header',
    { exchange: name('hx'), routingKey: '', headers: { format: 'pdf' } },
  ],
  [
    'headers: any on another header',
    { exchange: name('hx'), routingKey: '', headers: { type: 'log' } },
  ],
  [
    'headers: x- arguments count only with -with-x',
    { exchange: name('hx'), routingKey: '', headers: { 'x-tenant': 'acme' } },
  ],
  [
    'headers: a void argument matches presence',
    { exchange: name('hx'), routingKey: '', headers: { format: 'pdf', present: '' } },
  ],
  [
    'headers: a numeric argument never equals a string header',
    { exchange: name('hx'), routingKey: '', headers: { n: '1' } },
  ],
  ['headers: no headers take the alternate', { exchange: name('hx'), routingKey: '', headers: {} }],
  ['alternate: unused when a binding matches', { exchange: name('ae-src'), routingKey: 'known' }],
  ['alternate: takes what no binding matches', { exchange: name('ae-src'), routingKey: 'other' }],
  [
    'alternate: skipped when a binding leads to an exchange that routes nowhere',
    { exchange: name('ae-src'), routingKey: 'to-empty' },
  ],
  ['exchange-to-exchange cycle', { exchange: name('c1'), routingKey: 'x' }],
  ['default exchange: a declared queue', { exchange: '', routingKey: name('q-known') }],
  ['default exchange: an undeclared queue', { exchange: '', routingKey: name('q-undeclared') }],
];

const queue = (local: string) => ({ name: name(local) });
const exchange = (local: string, type: string, args: Record<string, unknown> = {}) => ({
  name: name(local),
  type,
  arguments: args,
});
const bind = (source: string, destination: string, key = '', args = {}, type = 'queue') => ({
  source: name(source),
  destination: name(destination),
  destination_type: type,
  routing_key: key,
  arguments: args,
});

const topology: Topology = parseTopology({
  exchanges: [
    ...patterns.map((_, i) => exchange(`t${i}`, 'topic')),
    exchange('wide', 'topic'),
    exchange('hx', 'headers', { 'alternate-exchange': name('hx-alt') }),
    exchange('hx-alt', 'fanout'),
    exchange('ae-src', 'direct', { 'alternate-exchange': name('ae-alt') }),
    exchange('ae-alt', 'fanout'),
    exchange('ae-empty', 'direct'),
    exchange('c1', 'fanout'),
    exchange('c2', 'fanout'),
  ],
  queues: [
    ...patterns.map((_, i) => queue(`q${i}`)),
    ...['a-star', 'all', 'a-hash-b', 'star-star', 'hash-b'].map((local) => queue(`wide-${local}`)),
    ...['pdf', 'any', 'withx', 'x-ignored', 'presence', 'number', 'alt'].map((l) =>
      queue(`hx-${l}`),
    ),
    ...['q-known', 'q-ae-alt', 'q-cycle'].map(queue),
  ],
  bindings: [
    ...patterns.map((pattern, i) => bind(`t${i}`, `q${i}`, pattern)),
    bind('wide', 'wide-a-star', 'a.*'),
    bind('wide', 'wide-a-star', 'a.#'),
    bind('wide', 'wide-all', '#'),
    bind('wide', 'wide-a-hash-b', 'a.#.b'),
    bind('wide', 'wide-star-star', '*.*'),
    bind('wide', 'wide-hash-b', '#.b'),
    bind('hx', 'hx-pdf', '', { format: 'pdf' }),
    bind('hx', 'hx-any', '', { 'x-match': 'any', format: 'pdf', type: 'log' }),
    bind('hx', 'hx-withx', '', { 'x-match': 'all-with-x', 'x-tenant': 'acme' }),
    bind('hx', 'hx-x-ignored', '', { 'x-match': 'any', 'x-tenant': 'acme' }),
    bind('hx', 'hx-presence', '', { 'x-match': 'all', present: null }),
    bind('hx', 'hx-number', '', { n: 1 }),
    bind('hx-alt', 'hx-alt'),
    bind('ae-src', 'q-known', 'known'),
    bind('ae-src', 'ae-empty', 'to-empty', {}, 'exchange'),
    bind('ae-alt', 'q-ae-alt'),
    bind('c1', 'c2', '', {}, 'exchange'),
    bind('c2', 'c1', '', {}, 'exchange'),
    bind('c2', 'q-cycle'),
  ],
});

const publishes: Publish[] = [
  ...patterns.flatMap((_, i) =>
    routingKeys.map((routingKey) => ({ exchange: name(`t${i}`), routingKey })),
  ),
  ...routingKeys.map((routingKey) => ({ exchange: name('wide'), routingKey })),
  ...headersCases.map(([, publish]) => publish),
];

/** Where the broker put each publish: the queues holding it, or `returned` when it came back unroutable. */
const outcomes = new Map<number, string[] | 'returned'>();

function predicted(publish: Publish): string[] | 'returned' {
  const route = routeOf(topology, publish);
  if (route.status === 'undecided')
    throw new Error('headers were given: the route must be decided');
  return route.status === 'unroutable' ? 'returned' : [...route.queues];
}

function observed(publish: Publish): string[] | 'returned' {
  const outcome = outcomes.get(publishes.indexOf(publish));
  if (outcome === undefined) throw new Error('the publish was neither delivered nor returned');
  return outcome;
}

beforeAll(async () => {
  await withChannel(url, async (channel, connection) => {
    await applyTopology(connection, topology);
    const returned = new Set<number>();
    channel.on('return', (message) => returned.add(Number(message.properties.messageId)));
    publishes.forEach((publish, i) => {
      channel.publish(publish.exchange, publish.routingKey, Buffer.from(String(i)), {
        mandatory: true,
        messageId: String(i),
        headers: publish.headers,
      });
    });
    // A broker sends basic.return before the basic.ack of the same message.
    await channel.waitForConfirms();
    for (const i of returned) outcomes.set(i, 'returned');
    for (const { name: queueName } of topology.queues) {
      for (;;) {
        const message = await channel.get(queueName, { noAck: true });
        if (message === false) break;
        const i = Number(message.properties.messageId);
        const held = outcomes.get(i);
        if (held === 'returned') throw new Error(`publish ${i} was both returned and delivered`);
        outcomes.set(i, [...(held ?? []), queueName].sort());
      }
    }
  });
});

afterAll(async () => {
  await withChannel(url, async (channel) => {
    for (const { name: queueName } of topology.queues) await channel.deleteQueue(queueName);
    for (const { name: exchangeName } of topology.exchanges) {
      await channel.deleteExchange(exchangeName);
    }
  });
});

describe('routeOf agrees with a real broker', () => {
  it.each(patterns.map((pattern, i) => [pattern, i] as const))(
    'topic binding key %j matches the same routing keys',
    (_, i) => {
      const cases = routingKeys.map((routingKey) => {
        const publish = publishes.find(
          (p) => p.exchange === name(`t${i}`) && p.routingKey === routingKey,
        ) as Publish;
        return { routingKey, broker: observed(publish), routeOf: predicted(publish) };
      });
      expect(cases.map(({ routingKey, broker }) => ({ routingKey, routed: broker }))).toEqual(
        cases.map(({ routingKey, routeOf }) => ({ routingKey, routed: routeOf })),
      );
    },
  );

  it('a topic exchange with several patterns delivers one copy to each matching queue', () => {
    const wide = publishes.filter((p) => p.exchange === name('wide'));
    expect(wide.map((p) => ({ key: p.routingKey, queues: observed(p) }))).toEqual(
      wide.map((p) => ({ key: p.routingKey, queues: predicted(p) })),
    );
    // The catch-all '#' binding routes every key, the empty one included.
    expect(wide.every((p) => observed(p) !== 'returned')).toBe(true);
  });

  it.each(headersCases)('%s', (_, publish) => {
    expect(observed(publish)).toEqual(predicted(publish));
  });

  it.each(['CC', 'BCC'])(
    'a string %s header: the broker closes the channel, routeOf refuses it',
    async (header) => {
      const publish = { exchange: name('wide'), routingKey: 'a.b', headers: { [header]: 'a.b' } };
      expect(routeOf(topology, publish)).toMatchObject({ reason: 'header-rejected' });
      await withChannel(url, async (channel) => {
        const closed = new Promise<Error>((resolve) => channel.once('error', resolve));
        channel.publish(publish.exchange, publish.routingKey, Buffer.from('x'), {
          headers: publish.headers,
        });
        expect((await closed).message).toMatch(/406.*unacceptable_type_in_header/);
      });
    },
  );

  it('saw both outcomes: the comparison covers returned and delivered messages', () => {
    const kinds = new Set([...outcomes.values()].map((o) => (o === 'returned' ? o : 'delivered')));
    expect(kinds).toEqual(new Set(['returned', 'delivered']));
    expect(outcomes.size).toBe(publishes.length);
  });
});
