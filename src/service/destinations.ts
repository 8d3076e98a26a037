import type { Destination } from '../publish/publisher.js';
import { routeOf } from '../topology/routing.js';
import type { Topology } from '../topology/topology.js';
import { PublishRequestError } from './publish-request-error.js';

/** warren's own objects (the probe queue, the dead-letter exchange and queue) are not for callers. */
const INTERNAL_PREFIX = 'warren.';

/**
 * The destination a request names, if callers may publish to it: a queue or a
 * non-internal exchange declared in the topology, outside warren's own
 * `warren.*` names. Anything else is refused as `unknown_destination`, so a request
 * never reaches a broker that would refuse it (RabbitMQ closes the channel on
 * a publish to a missing or internal exchange) or route past the topology. An
 * exchange publish whose routing key no binding in the topology matches is
 * refused as `unroutable`, before any broker is tried.
 *
 * @example resolveDestination({ destination: { kind: 'queue', queue: 'tasks' } }, defaultTopology)
 */
export function resolveDestination(
  request: { readonly destination: Destination },
  topology: Topology,
): Destination {
  const { destination } = request;
  const name = destination.kind === 'queue' ? destination.queue : destination.exchange;
  const declared =
    destination.kind === 'queue'
      ? topology.queues.some((queue) => queue.name === name)
      : topology.exchanges.some((exchange) => exchange.name === name && !exchange.internal);
  if (!declared || name.startsWith(INTERNAL_PREFIX)) {
    throw new PublishRequestError(
      'unknown_destination',
      `${destination.kind} "${name}" is not a destination this API publishes to`,
    );
  }
  // A key no binding matches would come back unroutable from every broker: refuse it here.
  // Headers-exchange bindings depend on each message's headers: the broker decides those.
  if (destination.kind === 'exchange') {
    const route = routeOf(topology, {
      exchange: destination.exchange,
      routingKey: destination.routingKey,
    });
    if (route.status === 'unroutable')
      throw new PublishRequestError('unroutable', `${route.message}: no broker was tried`);
  }
  return destination;
}
