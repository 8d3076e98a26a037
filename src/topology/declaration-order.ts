import { splitProbeQueue } from './probe-queue.js';
import type {
  BindingDefinition,
  ExchangeDefinition,
  QueueDefinition,
  Topology,
} from './topology.js';

/** One object to declare on a broker. */
export type Declaration =
  | { readonly kind: 'exchange'; readonly exchange: ExchangeDefinition }
  | { readonly kind: 'queue'; readonly queue: QueueDefinition }
  | { readonly kind: 'binding'; readonly binding: BindingDefinition };

/**
 * The order in which a topology is declared: exchanges, queues, bindings, and
 * the probe queue strictly after all of them. The probe queue is the
 * eligibility marker: the prober publishes to it (mandatory) and a broker
 * whose probe is routed counts as healthy, so on a broker that came back
 * empty it must not exist before every other object does, or a probe could
 * pass while real messages are still `unroutable`. Bindings to the probe
 * queue itself, if a topology has any, come after it, as they must.
 *
 * @example declarationOrder(withProbeQueue(defaultTopology)).at(-1) // { kind: 'queue', queue: { name: 'warren.probe', … } }
 */
export function declarationOrder(topology: Topology): Declaration[] {
  const { beforeProbe, probe } = splitProbeQueue(topology);
  return [...inKindOrder(beforeProbe), ...inKindOrder(probe)];
}

/** Exchanges, then queues, then the bindings between them. */
function inKindOrder(topology: Topology): Declaration[] {
  return [
    ...topology.exchanges.map((exchange): Declaration => ({ kind: 'exchange', exchange })),
    ...topology.queues.map((queue): Declaration => ({ kind: 'queue', queue })),
    ...topology.bindings.map((binding): Declaration => ({ kind: 'binding', binding })),
  ];
}
