import { type NodeView, toNodeView } from '../http/node-view.js';
import { brokerCaCert } from './broker-ca-cert.js';
import { brokerCredentials } from './broker-credentials.js';
import type { CommandIo } from './command-io.js';
import type { NodesCommand } from './nodes-args.js';
import { type QueueDepth, queueDepths } from './queue-depths.js';
import type { RegistryTarget } from './registry-target.js';
import { renderNodeTable } from './render-node-table.js';

/** `nodes list --json`: `depths` only with `--queue`. */
export interface NodesDocument {
  readonly nodes: readonly NodeView[];
  readonly rejected: readonly { readonly key: string; readonly reason: string }[];
  readonly depths?: {
    readonly queue: string;
    /** Ready messages per broker; null where it has no such queue or did not answer. */
    readonly byNode: Readonly<Record<string, number | null>>;
    /** Brokers that answered that they have no such queue. */
    readonly missingOn: readonly string[];
  };
}

/**
 * `warren nodes list`: the table (or JSON document) on `out`; with `--queue`,
 * a line on `err` naming the brokers that lack the queue or did not answer.
 * Returns 1 when no broker has the queue and at least one said it has none,
 * else 0.
 *
 * @example const code = await listNodes(command, target, commandIo());
 */
export async function listNodes(
  command: Extract<NodesCommand, { action: 'list' }>,
  target: RegistryTarget,
  io: CommandIo,
): Promise<number> {
  const { nodes, rejected } = await target.registry.listNodes();
  const nowMs = Date.now();
  const views = nodes.map((node) => toNodeView(node, nowMs, target.probeIntervalMs));
  const depths = command.queue
    ? {
        queue: command.queue,
        byNode: await queueDepths(nodes, command.queue, {
          credentials: await brokerCredentials(command.target, io.env),
          caCertPem: await brokerCaCert(command.caFile, io.env, 'nodes list'),
        }),
      }
    : undefined;
  const idsWhere = (kind: QueueDepth['kind']) =>
    depths ? [...depths.byNode].filter(([, depth]) => depth.kind === kind).map(([id]) => id) : [];
  const missingOn = idsWhere('no-queue');
  if (command.json) {
    const document: NodesDocument = {
      nodes: views,
      rejected,
      ...(depths && {
        depths: {
          queue: depths.queue,
          byNode: Object.fromEntries(
            [...depths.byNode].map(([id, depth]) => [
              id,
              depth.kind === 'depth' ? depth.ready : null,
            ]),
          ),
          missingOn,
        },
      }),
    };
    io.out(JSON.stringify(document, null, 2));
  } else {
    for (const line of renderNodeTable(views, nowMs, depths, io.paint)) io.out(line);
    for (const item of rejected) io.out(`rejected registry item ${item.key}: ${item.reason}`);
  }
  if (!depths) return 0;
  const queue = JSON.stringify(depths.queue);
  if (missingOn.length > 0)
    io.err(`warren: queue ${queue} does not exist on ${missingOn.join(', ')}`);
  const unanswered = idsWhere('no-answer');
  if (unanswered.length > 0)
    io.err(`warren: no depth of ${queue} from ${unanswered.join(', ')}: no answer within 2 s`);
  return missingOn.length > 0 && idsWhere('depth').length === 0 ? 1 : 0;
}
