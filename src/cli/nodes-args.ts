import { redactAmqpUrl } from '../core/amqp-endpoint.js';
import type { AdminStateName } from '../core/broker-node.js';
import { assertNodeId, InvalidNodeIdError } from '../core/node-id.js';
import type { NodeRegistration } from '../registry/health-registry.js';
import { type AdminCommandName, NODES_USAGE, nodesUsage } from './nodes-usage.js';
import { type OptionSpecs, parseCommandLine, positionalsOf } from './parse-command-line.js';
import { parseRegistration } from './registration-args.js';
import { parseTargetArgs, type RegistryTargetOptions } from './registry-target.js';
import { suggestName } from './suggest-name.js';
import { UsageError } from './usage-error.js';

/** `warren nodes` subcommands that only set an admin state, and the state each sets. */
const ADMIN_COMMANDS = {
  drain: 'draining',
  undrain: 'active',
  maintenance: 'maintenance',
  retire: 'retired',
} as const satisfies Record<AdminCommandName, AdminStateName>;

/** A validated `warren nodes` command line. */
export type NodesCommand =
  | { readonly action: 'help'; readonly usage: string }
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
      readonly json: boolean;
      readonly target: RegistryTargetOptions;
    }
  | {
      readonly action: 'register';
      readonly registration: NodeRegistration;
      readonly json: boolean;
      readonly target: RegistryTargetOptions;
    };

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  table: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;
const LIST_OPTIONS = {
  queue: { type: 'string' },
  'ca-file': { type: 'string' },
  'probe-interval-ms': { type: 'string' },
} as const satisfies OptionSpecs;
const REGISTER_OPTIONS = {
  'management-url': { type: 'string' },
  az: { type: 'string' },
  label: { type: 'string', multiple: true },
} as const satisfies OptionSpecs;
const ALL_OPTIONS = { ...COMMON_OPTIONS, ...LIST_OPTIONS, ...REGISTER_OPTIONS } as const;

const SUBCOMMANDS = ['list', 'register', ...(Object.keys(ADMIN_COMMANDS) as AdminCommandName[])];
type Subcommand = 'list' | 'register' | AdminCommandName;
const isSubcommand = (name: string): name is Subcommand => SUBCOMMANDS.includes(name);

/**
 * Validates `warren nodes` arguments; every mistake is a UsageError naming the
 * argument, and no message repeats a password given on the command line.
 *
 * @example parseNodesArgs(['drain', 'b2']) // { action: 'set-admin', id: 'b2', state: 'draining', json: false, target: {} }
 */
export function parseNodesArgs(args: readonly string[]): NodesCommand {
  const [subcommand] = positionalsOf(args, ALL_OPTIONS);
  if (subcommand === undefined) {
    if (
      parseCommandLine(args, { command: 'nodes', options: ALL_OPTIONS, allowPositionals: false })
        .help
    )
      return { action: 'help', usage: NODES_USAGE };
    throw new UsageError(`missing command: ${SUBCOMMANDS.join(', ')}`, 'nodes', {
      usage: NODES_USAGE,
    });
  }
  if (!isSubcommand(subcommand)) {
    const shown = JSON.stringify(redactAmqpUrl(subcommand));
    const nearest = suggestName(subcommand, SUBCOMMANDS);
    throw new UsageError(
      `unknown command ${shown} for "nodes"${nearest ? ` (did you mean ${nearest}?)` : ''}`,
      'nodes',
      { suggests: nearest !== undefined },
    );
  }
  const command = `nodes ${subcommand}`;
  const own =
    subcommand === 'list' ? LIST_OPTIONS : subcommand === 'register' ? REGISTER_OPTIONS : {};
  const line = parseCommandLine(args, {
    command,
    // Typed as every option for one reading below: those this command lacks are refused, so absent.
    options: { ...COMMON_OPTIONS, ...own } as typeof ALL_OPTIONS,
    allowPositionals: true,
    elsewhere: {
      ...(subcommand !== 'list' && { 'nodes list': LIST_OPTIONS }),
      ...(subcommand !== 'register' && { 'nodes register': REGISTER_OPTIONS }),
    },
  });
  if (line.help) return { action: 'help', usage: nodesUsage(subcommand) };
  const { values } = line;
  const usageError = (message: string) => new UsageError(message, command);
  const operands = line.positionals.slice(1);
  const expected =
    subcommand === 'list' ? [] : subcommand === 'register' ? ['<id>', '<amqp-url>'] : ['<id>'];
  if (operands.length !== expected.length) {
    // Operands are not echoed: one of them may be a URL with a password.
    const takes =
      expected.length === 0
        ? 'no arguments'
        : `${expected.join(' ')} (${expected.length === 1 ? '1 argument' : `${expected.length} arguments`})`;
    throw usageError(`"${command}" takes ${takes}, not ${operands.length}`);
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
  const json = values.json === true;
  if (subcommand === 'list') {
    const { queue, 'ca-file': caFile } = values;
    if (queue === '') throw usageError('--queue must not be empty');
    // Only the queue depths talk to brokers: a CA file without them is a mistake worth naming.
    if (caFile !== undefined && queue === undefined)
      throw usageError('--ca-file applies only with --queue (the registry itself needs no CA)');
    if (caFile === '') throw usageError('--ca-file must not be empty');
    return {
      action: 'list',
      json,
      ...(queue !== undefined && { queue }),
      ...(caFile !== undefined && { caFile }),
      target,
    };
  }
  const id = nodeId(operands[0] ?? '', command);
  if (subcommand !== 'register') {
    return { action: 'set-admin', id, state: ADMIN_COMMANDS[subcommand], json, target };
  }
  const registration = parseRegistration({
    id,
    amqpUrl: operands[1] ?? '',
    ...(values['management-url'] !== undefined && { managementUrl: values['management-url'] }),
    ...(values.az !== undefined && { az: values.az }),
    ...(values.label !== undefined && { labels: values.label }),
  });
  if ('problem' in registration) throw usageError(registration.problem);
  return { action: 'register', registration, json, target };
}

function nodeId(input: string, command: string): string {
  try {
    return assertNodeId(input);
  } catch (error) {
    if (!(error instanceof InvalidNodeIdError)) throw error;
    // Operands in the wrong order put the URL, perhaps with its password, where the id belongs.
    throw new UsageError(new InvalidNodeIdError(redactAmqpUrl(input)).message, command);
  }
}
