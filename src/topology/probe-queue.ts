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
