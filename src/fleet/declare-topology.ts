import { connectAmqp } from '../amqp/connect-amqp.js';
import { applyTopology } from '../topology/apply-topology.js';
import type { Topology } from '../topology/topology.js';
import type { FleetEventListener } from './fleet-events.js';

/** Connects to one broker, declares the topology on it, and reports what it declared. */
export async function declareTopology(
  id: string,
  url: string,
  topology: Topology,
  onEvent: FleetEventListener,
): Promise<void> {
  const connection = await connectAmqp(url, {
    timeoutMs: 5_000,
    connectionName: `warren topology ${id}`,
  });
  try {
    onEvent({ type: 'topology-applied', id, summary: await applyTopology(connection, topology) });
  } finally {
    await connection.close().catch(() => undefined);
  }
}
