import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { formatEndpoint, parseAmqpUrl } from '../core/amqp-endpoint.js';
import type { Topology } from '../topology/topology.js';
import { declareTopology } from './declare-topology.js';
import type { FleetEventListener } from './fleet-events.js';
import type { FleetBrokerDescription } from './fleet-state.js';
import { LOCAL_CREDENTIALS } from './local-brokers.js';

/**
 * Brokers given with `--brokers`: declares the topology on each, starts nothing.
 * Their credentials stay in memory: never in fleet.json or the registry.
 */
export async function adoptBrokers(
  urls: readonly string[],
  topology: Topology,
  onEvent: FleetEventListener,
): Promise<(FleetBrokerDescription & { credentials: AmqpCredentials })[]> {
  return Promise.all(
    urls.map(async (url, i) => {
      const id = `b${i + 1}`;
      await declareTopology(id, url, topology, onEvent);
      const endpoint = parseAmqpUrl(url);
      const { username = LOCAL_CREDENTIALS.username, password = LOCAL_CREDENTIALS.password } =
        endpoint;
      return { id, endpoint: formatEndpoint(endpoint), credentials: { username, password } };
    }),
  );
}
