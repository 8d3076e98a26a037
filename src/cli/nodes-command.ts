import { formatEndpoint, parseAmqpUrl } from '../core/amqp-endpoint.js';
import { toNodeView } from '../http/node-view.js';
import { NodeNotFoundError } from '../registry/health-registry.js';
import { type CommandIo, commandIo } from './command-io.js';
import { listNodes } from './list-nodes.js';
import { parseNodesArgs } from './nodes-args.js';
import { openRegistryTarget, type RegistryTarget } from './registry-target.js';

/**
 * `warren nodes`: lists the brokers in the registry, registers one, or sets
 * one's admin state. Returns the exit code; failures throw (UsageError,
 * NodeNotFoundError, RegistryUnavailableError, NoLocalFleetError) for `main`
 * to print as one line.
 *
 * @example process.exitCode = await runNodes(['drain', 'b2'], { out: console.log });
 */
export async function runNodes(
  args: readonly string[],
  io: Partial<CommandIo> = {},
): Promise<number> {
  const { out, env } = commandIo(io);
  const command = parseNodesArgs(args);
  if (command.action === 'help') {
    out(command.usage);
    return 0;
  }
  const target = await openRegistryTarget(command.target, env);
  try {
    switch (command.action) {
      case 'list':
        return await listNodes(command, target, commandIo(io));
      case 'set-admin': {
        await target.registry.setAdminState(command.id, command.state, new Date());
        if (command.json)
          out(JSON.stringify({ node: await nodeView(target, command.id) }, null, 2));
        else out(`${command.id}: admin state ${command.state}`);
        return 0;
      }
      case 'register': {
        const { registration } = command;
        const outcome = await target.registry.registerNode(registration, new Date());
        // An update republished the fleet snapshot already; a new broker is published now too,
        // so that publishers list it (in panic mode they try it) without waiting for the prober.
        if (outcome === 'created') await target.registry.snapshots?.publish(new Date());
        if (command.json) {
          const node = await nodeView(target, registration.id);
          out(JSON.stringify({ outcome, node }, null, 2));
        } else {
          const endpoint = formatEndpoint(parseAmqpUrl(registration.endpoint));
          out(`${registration.id}: ${outcome}, endpoint ${endpoint}`);
        }
        return 0;
      }
      default: {
        const unexpected: never = command;
        throw new Error(`unhandled command ${JSON.stringify(unexpected)}`);
      }
    }
  } finally {
    target.close();
  }
}

/** The broker as it is after a write, in the form `GET /v1/nodes` and `nodes list --json` show. */
async function nodeView(target: RegistryTarget, id: string) {
  const node = (await target.registry.listNodes()).nodes.find((candidate) => candidate.id === id);
  // Only a concurrent removal of the item it just wrote gets here.
  if (node === undefined) throw new NodeNotFoundError(id);
  return toNodeView(node, Date.now(), target.probeIntervalMs);
}
