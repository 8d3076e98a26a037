import type { BindingDefinition, ExchangeDefinition, Topology } from './topology.js';

/** What a publish names: where it goes, and (when known) the headers it carries. */
export interface Publication {
  /** `''` is the default exchange: the routing key names the queue. */
  readonly exchange: string;
  readonly routingKey: string;
  /**
   * The message's headers, as the edge sends them (strings). Omit when they are
   * not known yet (a request-level check): headers-exchange bindings then cannot
   * be decided, and the result says so instead of guessing.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Why nothing would receive the message: a refusal of the message, never of a broker. */
export type UnroutableReason =
  | 'exchange-not-declared'
  | 'exchange-internal'
  | 'queue-not-declared'
  | 'no-binding-matches'
  | 'header-rejected';

export type Route =
  /** At least one queue receives it: `queues` certainly, `maybeQueues` depending on headers not given. */
  | {
      readonly status: 'routable';
      readonly queues: readonly string[];
      readonly maybeQueues: readonly string[];
    }
  /** Headers were not given and only they decide whether any queue receives it: let the broker decide. */
  | {
      readonly status: 'undecided';
      readonly maybeQueues: readonly string[];
      readonly message: string;
    }
  /** No queue receives it, whatever its headers; or the broker would refuse it outright. */
  | { readonly status: 'unroutable'; readonly reason: UnroutableReason; readonly message: string };

/** Whether a binding matches; `maybe` when it depends on headers not given. */
export type BindingMatch = 'yes' | 'no' | 'maybe';

interface MatchedBinding {
  readonly binding: BindingDefinition;
  readonly match: BindingMatch;
}

/**
 * Where a broker carrying `topology` routes a publication, with RabbitMQ's
 * semantics: direct (exact key), fanout (every binding), topic ({@link topicMatches}),
 * headers ({@link headersMatch}), exchange-to-exchange bindings followed once per
 * exchange (a cycle routes nothing twice), and `alternate-exchange`, which
 * RabbitMQ uses only when the exchange's *own* bindings match nothing: a match
 * to an exchange that routes nowhere does not reach the alternate. An alternate
 * that is not declared is skipped, as the broker skips it. Queues are
 * deduplicated and sorted. Policies are not modelled: only the topology's
 * arguments count. A string `CC` or `BCC` header is refused: the broker would
 * close the channel over it.
 *
 * Without `headers`, a headers binding is decided only when the headers cannot
 * matter (`x-match: all` with nothing to match always matches, `any` with nothing
 * never); otherwise it may go either way, and the result lists what it may reach.
 *
 * @example
 * const route = routeOf(topology, { exchange: 'events', routingKey: 'order.created' });
 * if (route.status === 'unroutable') return c.json({ error: route.message }, 422);
 */
export function routeOf(topology: Topology, publication: Publication): Route {
  const { exchange: name, routingKey } = publication;
  // Sender-selected distribution: RabbitMQ reads CC and BCC as arrays of extra routing
  // keys, and closes the channel (406) on a message carrying either as a string.
  const selected = ['CC', 'BCC'].find((header) => Object.hasOwn(publication.headers ?? {}, header));
  if (selected !== undefined) {
    return unroutable(
      'header-rejected',
      `header "${selected}" is reserved by RabbitMQ for extra routing keys and cannot be a string`,
    );
  }
  if (name === '') {
    return topology.queues.some((queue) => queue.name === routingKey)
      ? { status: 'routable', queues: [routingKey], maybeQueues: [] }
      : unroutable('queue-not-declared', `no queue "${routingKey}" is declared`);
  }
  const exchanges = new Map(topology.exchanges.map((exchange) => [exchange.name, exchange]));
  const start = exchanges.get(name);
  if (start === undefined) {
    return unroutable('exchange-not-declared', `exchange "${name}" is not declared`);
  }
  if (start.internal) {
    return unroutable(
      'exchange-internal',
      `exchange "${name}" is internal: it cannot be published to`,
    );
  }
  const matchesOf = (exchange: ExchangeDefinition): MatchedBinding[] =>
    topology.bindings
      .filter((binding) => binding.source === exchange.name)
      .map((binding) => ({ binding, match: bindingMatch(exchange, binding, publication) }));
  const certain = reach(start, exchanges, matchesOf, 'certain');
  const possible = reach(start, exchanges, matchesOf, 'possible');
  const maybeQueues = [...possible].filter((queue) => !certain.has(queue)).sort();
  if (certain.size > 0) return { status: 'routable', queues: [...certain].sort(), maybeQueues };
  if (possible.size > 0) {
    return {
      status: 'undecided',
      maybeQueues,
      message: `whether exchange "${name}" routes this depends on the message headers`,
    };
  }
  return unroutable(
    'no-binding-matches',
    `exchange "${name}" routes routing key "${routingKey}" to no queue`,
  );
}

/**
 * The queues reached `certain`ly (following only bindings that surely match) or
 * `possible`y (also those that may). RabbitMQ takes an exchange's alternate when
 * its own bindings matched nothing: surely so when none may match, possibly so
 * when none surely does.
 */
function reach(
  start: ExchangeDefinition,
  exchanges: ReadonlyMap<string, ExchangeDefinition>,
  matchesOf: (exchange: ExchangeDefinition) => readonly MatchedBinding[],
  mode: 'certain' | 'possible',
): Set<string> {
  const follows = (match: BindingMatch) =>
    match === 'yes' || (mode === 'possible' && match === 'maybe');
  const queues = new Set<string>();
  const seen = new Set([start.name]);
  const work = [start];
  const visit = (name: string) => {
    const exchange = exchanges.get(name);
    if (exchange === undefined || seen.has(name)) return;
    seen.add(name);
    work.push(exchange);
  };
  for (let exchange = work.pop(); exchange !== undefined; exchange = work.pop()) {
    const matches = matchesOf(exchange);
    for (const { binding, match } of matches) {
      if (!follows(match)) continue;
      if (binding.destination_type === 'queue') queues.add(binding.destination);
      else visit(binding.destination);
    }
    const matchedNothing =
      mode === 'certain'
        ? matches.every(({ match }) => match === 'no')
        : matches.every(({ match }) => match !== 'yes');
    const alternate = exchange.arguments['alternate-exchange'];
    if (matchedNothing && typeof alternate === 'string') visit(alternate);
  }
  return queues;
}

function bindingMatch(
  exchange: ExchangeDefinition,
  binding: BindingDefinition,
  publication: Publication,
): BindingMatch {
  switch (exchange.type) {
    case 'direct':
      return binding.routing_key === publication.routingKey ? 'yes' : 'no';
    case 'fanout':
      return 'yes';
    case 'topic':
      return topicMatches(binding.routing_key, publication.routingKey) ? 'yes' : 'no';
    case 'headers':
      return headersMatch(binding.arguments, publication.headers);
    default: {
      const unknown: never = exchange.type;
      throw new Error(`unknown exchange type ${String(unknown)}`);
    }
  }
}

/**
 * Whether a topic binding key matches a routing key, as RabbitMQ's topic trie
 * decides: both split on `.` into words (`''` is zero words, `'a..b'` has an
 * empty middle word, `'.'` two empty words); `*` is exactly one word (empty
 * ones too), `#` zero or more. So `a.#` matches `a`, `#` and `#.#` match `''`,
 * and `*` does not match `''`. Only a whole word is a wildcard: `a*` is literal.
 *
 * @example topicMatches('a.#.b', 'a.b') // true
 */
export function topicMatches(bindingKey: string, routingKey: string): boolean {
  const pattern = words(bindingKey);
  const key = words(routingKey);
  // rest[j]: pattern[i..] matches key[j..], computed from the last pattern word back.
  let rest = key.map(() => false).concat(true);
  for (let i = pattern.length - 1; i >= 0; i--) {
    const word = pattern[i];
    const next = new Array<boolean>(key.length + 1).fill(false);
    for (let j = key.length; j >= 0; j--) {
      next[j] =
        word === '#'
          ? (rest[j] ?? false) || (j < key.length && (next[j + 1] ?? false))
          : j < key.length && (word === '*' || word === key[j]) && (rest[j + 1] ?? false);
    }
    rest = next;
  }
  return rest[0] ?? false;
}

const words = (key: string): string[] => (key === '' ? [] : key.split('.'));

/**
 * Whether a headers-exchange binding matches message headers, as RabbitMQ's
 * headers exchange decides. `x-match` is `all` (the default), `any`,
 * `all-with-x` or `any-with-x`; binding arguments starting with `x-` count only
 * in the `-with-x` modes, and `x-match` itself never. A string argument matches
 * a header with that exact value; `null` (AMQP void) matches the header's mere
 * presence; any other type never equals a string header. With nothing to match,
 * `all` matches every message and `any` none. Without `headers`, answers
 * `'maybe'` unless the headers cannot matter.
 *
 * @example headersMatch({ 'x-match': 'any', format: 'pdf' }, { format: 'pdf' }) // 'yes'
 */
export function headersMatch(
  bindingArguments: Readonly<Record<string, unknown>>,
  headers: Readonly<Record<string, string>> | undefined,
): BindingMatch {
  const mode = bindingArguments['x-match'];
  const any = mode === 'any' || mode === 'any-with-x';
  const withX = mode === 'all-with-x' || mode === 'any-with-x';
  const pattern = Object.entries(bindingArguments).filter(
    ([key]) => key !== 'x-match' && (withX || !key.startsWith('x-')),
  );
  // A number, boolean, array or table is never equal to a string header.
  const satisfiable = pattern.filter(([, value]) => value === null || typeof value === 'string');
  if (any ? satisfiable.length === 0 : satisfiable.length < pattern.length) return 'no';
  if (pattern.length === 0) return 'yes';
  if (headers === undefined) return 'maybe';
  const holds = ([key, value]: [string, unknown]) =>
    Object.hasOwn(headers, key) && (value === null || value === headers[key]);
  return (any ? satisfiable.some(holds) : satisfiable.every(holds)) ? 'yes' : 'no';
}

const unroutable = (reason: UnroutableReason, message: string): Route => ({
  status: 'unroutable',
  reason,
  message,
});
