import { PROBE_QUEUE } from './probe-queue.js';
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
  const isProbe = (queue: QueueDefinition) => queue.name === PROBE_QUEUE;
  const toProbe = (binding: BindingDefinition) =>
    binding.destination_type === 'queue' && binding.destination === PROBE_QUEUE;
  const queues = (which: (queue: QueueDefinition) => boolean): Declaration[] =>
    topology.queues.filter(which).map((queue) => ({ kind: 'queue', queue }));
  const bindings = (which: (binding: BindingDefinition) => boolean): Declaration[] =>
    topology.bindings.filter(which).map((binding) => ({ kind: 'binding', binding }));
  return [
    ...topology.exchanges.map((exchange): Declaration => ({ kind: 'exchange', exchange })),
    ...queues((queue) => !isProbe(queue)),
    ...bindings((binding) => !toProbe(binding)),
    ...queues(isProbe),
    ...bindings(toProbe),
  ];
}
