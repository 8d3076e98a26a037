import type { Topology } from '../topology/topology.js';

/** Where a queue's dead letters go: its `x-dead-letter-exchange`, and routing key if it sets one. */
export interface DeadLetterTarget {
  readonly exchange: string;
  /** The queue's `x-dead-letter-routing-key`; absent: the message's own routing key. */
  readonly routingKey?: string;
}

/** The consumer was asked for a queue warren's topology does not declare. */
export class QueueNotInTopologyError extends Error {
  readonly queue: string;
  readonly declared: readonly string[];
  constructor(queue: string, declared: readonly string[]) {
    super(
      `queue "${queue}" is not declared in the topology (declared: ${declared.join(', ') || 'none'})`,
    );
    this.name = 'QueueNotInTopologyError';
    this.queue = queue;
    this.declared = declared;
  }
}

/** The queue has nowhere to dead-letter to, so a consumer would have to drop what it cannot handle. */
export class NoDeadLetterExchangeError extends Error {
  readonly queue: string;
  constructor(queue: string) {
    super(
      `queue "${queue}" has no x-dead-letter-exchange in the topology: messages that fail ` +
        'past the redelivery limit or cannot be decoded would be dropped; declare ' +
        `"x-dead-letter-exchange" (an exchange bound to a dead-letter queue) in the arguments of "${queue}" in the topology`,
    );
    this.name = 'NoDeadLetterExchangeError';
    this.queue = queue;
  }
}

/**
 * Looks `queue` up in the topology, the source of truth for what every broker
 * carries, and returns where its dead letters go. Throws
 * QueueNotInTopologyError or NoDeadLetterExchangeError. The default exchange
 * (`""`) counts only with a dead-letter routing key naming a queue: with the
 * message's own key it would route the message back where it came from.
 *
 * @example deadLetterTargetOf(defaultTopology, 'tasks') // { exchange: 'warren.dead-letter' }
 */
export function deadLetterTargetOf(topology: Topology, queue: string): DeadLetterTarget {
  const definition = topology.queues.find((candidate) => candidate.name === queue);
  if (definition === undefined) {
    throw new QueueNotInTopologyError(
      queue,
      topology.queues.map((candidate) => candidate.name),
    );
  }
  const exchange = definition.arguments['x-dead-letter-exchange'];
  const routingKey = definition.arguments['x-dead-letter-routing-key'];
  const hasKey = typeof routingKey === 'string' && routingKey !== '';
  if (typeof exchange !== 'string' || (exchange === '' && !hasKey)) {
    throw new NoDeadLetterExchangeError(queue);
  }
  return { exchange, ...(hasKey && { routingKey }) };
}
