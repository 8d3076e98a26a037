import { splitProbeQueue, withProbeQueue } from '../../src/topology/probe-queue.js';
import type { Topology } from '../../src/topology/topology.js';

/** One file of the definitions directory an EC2 broker imports at boot. */
export interface DefinitionFile {
  /** File name inside the directory; RabbitMQ imports the files in name order. */
  readonly name: string;
  readonly content: string;
}

/**
 * The definitions an EC2 broker imports at boot, as two files RabbitMQ imports
 * one after the other, in name order, stopping at the first that fails
 * (`rabbit_definitions_import_local_filesystem`): the topology with the vhost
 * `/` it lives in, then the probe queue. Within one file RabbitMQ imports each
 * kind concurrently and, with `skip_if_unchanged`, starts its listeners even
 * when the import failed part-way; the probe queue in a file of its own is
 * only imported once the whole topology was, so a broker whose topology is
 * incomplete cannot pass a probe. When definitions are imported at boot
 * RabbitMQ creates no default vhost or user, so the vhost is declared here;
 * the one user comes from Secrets Manager (`warren-sync-credentials`), never
 * from these files. Compact on purpose: they are embedded in EC2 user data,
 * which is capped at 16 KB.
 *
 * @example for (const file of renderDefinitionFiles(defaultTopology)) await writeFile(join(dir, file.name), file.content);
 */
export function renderDefinitionFiles(topology: Topology): DefinitionFile[] {
  const { beforeProbe, probe } = splitProbeQueue(withProbeQueue(topology));
  return [
    {
      name: '10-topology.json',
      content: definitions({ vhosts: [{ name: '/' }], ...beforeProbe }),
    },
    {
      name: '20-probe-queue.json',
      content: definitions({ queues: probe.queues, bindings: probe.bindings }),
    },
  ];
}

const definitions = (document: Record<string, unknown>) => `${JSON.stringify(document)}\n`;
