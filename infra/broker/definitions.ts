import { withProbeQueue } from '../../src/topology/probe-queue.js';
import type { Topology } from '../../src/topology/topology.js';

/**
 * The definitions JSON an EC2 broker imports at boot: `topology` plus the probe
 * queue, and the vhost `/` they live in. When definitions are imported at boot
 * RabbitMQ creates no default vhost or user, so the vhost is declared here; the
 * one user comes from Secrets Manager (`warren-sync-credentials`), never from this file.
 * Compact on purpose: it is embedded in EC2 user data, which is capped at 16 KB.
 *
 * @example await writeFile('/etc/rabbitmq/definitions.json', renderDefinitions(defaultTopology));
 */
export function renderDefinitions(topology: Topology): string {
  const { exchanges, queues, bindings } = withProbeQueue(topology);
  return `${JSON.stringify({ vhosts: [{ name: '/' }], exchanges, queues, bindings })}\n`;
}
