import { isLink, openLink } from '../amqp/amqp-link.js';
import { LinkFailureError } from '../amqp/link-failure.js';
import { applyTopology } from '../topology/apply-topology.js';
import type { Topology } from '../topology/topology.js';
import type { FleetEventListener } from './fleet-events.js';

/**
 * Connects to one broker, declares the topology on it, and reports what it
 * declared. Throws LinkFailureError when the broker cannot be reached within
 * 5 s, TopologyConflictError when it refuses a declaration.
 *
 * @example await declareTopology('b1', 'amqp://guest:guest@127.0.0.1:5673', defaultTopology, onEvent);
 */
export async function declareTopology(
  id: string,
  url: string,
  topology: Topology,
  onEvent: FleetEventListener,
): Promise<void> {
  const link = await openLink(url, { timeoutMs: 5_000, connectionName: `warren topology ${id}` });
  if (!isLink(link)) throw new LinkFailureError(link);
  try {
    onEvent({
      type: 'topology-applied',
      id,
      summary: await applyTopology(link.connection, topology),
    });
  } finally {
    await link.close();
  }
}
