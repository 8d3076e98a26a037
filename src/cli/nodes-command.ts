import { parseArgs } from 'node:util';
import { formatEndpoint, parseAmqpUrl, redactAmqpUrl } from '../core/amqp-endpoint.js';
import type { AdminStateName } from '../core/broker-node.js';
import { assertNodeId, InvalidNodeIdError } from '../core/node-id.js';
import { toNodeView } from '../http/node-view.js';
import type { NodeRegistration } from '../registry/health-registry.js';
import { brokerCaCert } from './broker-ca-cert.js';
import { brokerCredentials } from './broker-credentials.js';
import { NODES_USAGE } from './nodes-usage.js';
import { queueDepths } from './queue-depths.js';
import { parseRegistration } from './registration-args.js';
import {
  openRegistryTarget,
  parseTargetArgs,
  type RegistryTargetOptions,
} from './registry-target.js';
import { renderNodeTable } from './render-node-table.js';
import { UsageError } from './usage-error.js';

export { NODES_USAGE };

/** `warren nodes` subcommands that only set an admin state, and the state each sets. */
const ADMIN_COMMANDS = {
  drain: 'draining',
  undrain: 'active',
  maintenance: 'maintenance',
  retire: 'retired',
} as const satisfies Record<string, AdminStateName>;

type AdminCommand = keyof typeof ADMIN_COMMANDS;

/** A validated `warren nodes` command line. */
export type NodesCommand =
  | {
      readonly action: 'list';
      readonly json: boolean;
      /** Also show each broker's depth of this queue. */
      readonly queue?: string;
      /** With `queue`: a PEM file of the CA that amqps:// brokers' certificates chain to. */
      readonly caFile?: string;
      readonly target: RegistryTargetOptions;
    }
  | {
      readonly action: 'set-admin';
      readonly id: string;
      readonly state: AdminStateName;
      readonly target: RegistryTargetOptions;
    }
  | {
      readonly action: 'register';
      readonly registration: NodeRegistration;
      readonly target: RegistryTargetOptions;
    };

const OPTIONS = {
  json: { type: 'boolean' },
  queue: { type: 'string' },
  'ca-file': { type: 'string' },
  'probe-interval-ms': { type: 'string' },
  'management-url': { type: 'string' },
  az: { type: 'string' },
  label: { type: 'string', multiple: true },
  'data-dir': { type: 'string' },
  table: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMON_OPTIONS = ['data-dir', 'table', 'endpoint', 'help'];
const COMMAND_OPTIONS: Record<'list' | 'register' | 'admin', readonly string[]> = {
  list: ['json', 'queue', 'ca-file', 'probe-interval-ms'],
  register: ['management-url', 'az', 'label'],
  admin: [],
};

const usageError = (message: string) => new UsageError(message, NODES_USAGE);

/**
 * Validates `warren nodes` arguments; every mistake is a UsageError naming the
 * argument, and no message repeats a password given on the command line.
 *
 * @example parseNodesArgs(['drain', 'b2']) // { action: 'set-admin', id: 'b2', state: 'draining', target: {} }
 */
export function parseNodesArgs(args: readonly string[]): NodesCommand | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, ...operands] = positionals;
  if (command === undefined) {
    throw usageError('missing command: list, register, drain, undrain, maintenance or retire');
  }
  const kind =
    command === 'list' || command === 'register'
      ? command
      : Object.hasOwn(ADMIN_COMMANDS, command)
        ? 'admin'
        : undefined;
  if (kind === undefined) {
    throw usageError(`unknown command ${JSON.stringify(redactAmqpUrl(command))}`);
  }
  for (const name of Object.keys(values)) {
    if (!COMMON_OPTIONS.includes(name) && !COMMAND_OPTIONS[kind].includes(name)) {
      throw usageError(`--${name} does not apply to "warren nodes ${command}"`);
    }
  }
  const expected = { list: [], register: ['<id>', '<amqp-url>'], admin: ['<id>'] }[kind];
  if (operands.length !== expected.length) {
    // Operands are not echoed: one of them may be a URL with a password.
    const takes = expected.length === 0 ? 'no arguments' : expected.join(' ');
    throw usageError(`"warren nodes ${command}" takes ${takes}, not ${operands.length}`);
  }
  const target = parseTargetArgs({
    ...(values['data-dir'] !== undefined && { dataDir: values['data-dir'] }),
    ...(values.table !== undefined && { table: values.table }),
    ...(values.endpoint !== undefined && { endpoint: values.endpoint }),
    ...(values['probe-interval-ms'] !== undefined && {
      probeIntervalMs: values['probe-interval-ms'],
    }),
  });
  if ('problem' in target) throw usageError(target.problem);
  if (kind === 'list') {
    const queue = typeof values.queue === 'string' ? values.queue : undefined;
    if (queue === '') throw usageError('--queue must not be empty');
    const caFile = values['ca-file'];
    // Only the queue depths talk to brokers: a CA file without them is a mistake worth naming.
    if (caFile !== undefined && queue === undefined)
      throw usageError('--ca-file applies only with --queue (the registry itself needs no CA)');
    if (caFile === '') throw usageError('--ca-file must not be empty');
    return {
      action: 'list',
      json: values.json === true,
      ...(queue !== undefined && { queue }),
      ...(caFile !== undefined && { caFile }),
      target,
    };
  }
  const id = nodeId(operands[0] ?? '');
  if (kind === 'admin') {
    return { action: 'set-admin', id, state: ADMIN_COMMANDS[command as AdminCommand], target };
  }
  const registration = parseRegistration({
    id,
    amqpUrl: operands[1] ?? '',
    ...(values['management-url'] !== undefined && { managementUrl: values['management-url'] }),
    ...(values.az !== undefined && { az: values.az }),
    ...(values.label !== undefined && { labels: values.label }),
  });
  if ('problem' in registration) throw usageError(registration.problem);
  return { action: 'register', registration, target };
}

function nodeId(input: string): string {
  try {
    return assertNodeId(input);
  } catch (error) {
    if (!(error instanceof InvalidNodeIdError)) throw error;
    // Operands in the wrong order put the URL, perhaps with its password, where the id belongs.
    throw usageError(new InvalidNodeIdError(redactAmqpUrl(input)).message);
  }
}

/**
 * `warren nodes`: lists the brokers in the registry, registers one, or sets
 * one's admin state. Returns the exit code; failures throw (UsageError,
 * NodeNotFoundError, RegistryUnavailableError, NoLocalFleetError) for `main`
 * to print as one line.
 *
 * @example process.exitCode = await runNodes(['drain', 'b2'], console.log);
 */
export async function runNodes(
  args: readonly string[],
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const command = parseNodesArgs(args);
  if (command === 'help') {
    out(NODES_USAGE);
    return 0;
  }
  const target = await openRegistryTarget(command.target, env);
  try {
    switch (command.action) {
      case 'list': {
        const { nodes, rejected } = await target.registry.listNodes();
        const nowMs = Date.now();
        const views = nodes.map((node) => toNodeView(node, nowMs, target.probeIntervalMs));
        const depths = command.queue
          ? {
              queue: command.queue,
              byNode: await queueDepths(nodes, command.queue, {
                credentials: await brokerCredentials(command.target, env),
                caCertPem: await brokerCaCert(command.caFile, env, NODES_USAGE),
              }),
            }
          : undefined;
        if (command.json) {
          const byNode = depths && Object.fromEntries(depths.byNode);
          out(
            JSON.stringify(
              {
                nodes: views,
                rejected,
                ...(byNode && { depths: { queue: depths.queue, byNode } }),
              },
              null,
              2,
            ),
          );
          return 0;
        }
        for (const line of renderNodeTable(views, nowMs, depths)) out(line);
        for (const item of rejected) out(`rejected registry item ${item.key}: ${item.reason}`);
        return 0;
      }
      case 'set-admin':
        await target.registry.setAdminState(command.id, command.state, new Date());
        out(`${command.id}: admin state ${command.state}`);
        return 0;
      case 'register': {
        const { registration } = command;
        const outcome = await target.registry.registerNode(registration, new Date());
        out(
          `${registration.id}: ${outcome}, endpoint ${formatEndpoint(parseAmqpUrl(registration.endpoint))}`,
        );
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
