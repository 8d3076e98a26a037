import type { Topology } from './topology.js';

/**
 * The queue the prober publishes to. Durable, so a probe's confirm measures a
 * real persistent write; short and self-emptying (length 10, drop-head, 60 s
 * TTL), so probes never accumulate.
 */
export const PROBE_QUEUE = 'warren.probe';

const probeQueue = {
  name: PROBE_QUEUE,
  vhost: '/' as const,
  durable: true as const,
  auto_delete: false as const,
  arguments: { 'x-max-length': 10, 'x-overflow': 'drop-head', 'x-message-ttl': 60_000 },
};

/** `topology` plus the probe queue, which every broker carries whatever the user's topology says. */
export function withProbeQueue(topology: Topology): Topology {
  if (topology.queues.some((queue) => queue.name === PROBE_QUEUE)) return topology;
  return { ...topology, queues: [...topology.queues, probeQueue] };
}

/**
 * `topology` in two parts, to be declared one after the other: everything but
 * the probe queue, then the probe queue with any bindings to it. The probe
 * queue is the eligibility marker (a probe routed to it makes a broker
 * healthy), so it must not exist on a broker before the rest does.
 *
 * @example const { beforeProbe, probe } = splitProbeQueue(withProbeQueue(defaultTopology));
 */
export function splitProbeQueue(topology: Topology): {
  readonly beforeProbe: Topology;
  readonly probe: Topology;
} {
  const isProbe = (queue: Topology['queues'][number]) => queue.name === PROBE_QUEUE;
  const toProbe = (binding: Topology['bindings'][number]) =>
    binding.destination_type === 'queue' && binding.destination === PROBE_QUEUE;
  return {
    beforeProbe: {
      exchanges: topology.exchanges,
      queues: topology.queues.filter((queue) => !isProbe(queue)),
      bindings: topology.bindings.filter((binding) => !toProbe(binding)),
    },
    probe: {
      exchanges: [],
      queues: topology.queues.filter(isProbe),
      bindings: topology.bindings.filter(toProbe),
    },
  };
}
