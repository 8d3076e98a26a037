import { CONSUME_USAGE } from './consume-usage.js';
import { parseCommandLine } from './parse-command-line.js';
import { parseTargetArgs, type RegistryTargetOptions } from './registry-target.js';
import { UsageError } from './usage-error.js';

export interface ConsumeArgs {
  readonly queue: string;
  readonly count?: number;
  readonly ack: boolean;
  /** De-duplicate the copies of replicated messages by messageId. */
  readonly dedupe: boolean;
  readonly prefetch: number;
  /** A PEM file of the CA that amqps:// brokers' certificates chain to. */
  readonly caFile?: string;
  /** A definitions JSON file: the topology of the brokers behind a registry table. */
  readonly topologyFile?: string;
  readonly target: RegistryTargetOptions;
}

const OPTIONS = {
  count: { type: 'string' },
  ack: { type: 'boolean' },
  'no-ack': { type: 'boolean' },
  dedupe: { type: 'boolean' },
  'no-dedupe': { type: 'boolean' },
  prefetch: { type: 'string' },
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  table: { type: 'string' },
  endpoint: { type: 'string' },
  'ca-file': { type: 'string' },
  topology: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Validates `warren consume` arguments; every mistake is a UsageError.
 *
 * @example parseConsumeArgs(['tasks', '--count', '2']) // { queue: 'tasks', count: 2, ack: true, dedupe: true, prefetch: 10, target: {} }
 */
export function parseConsumeArgs(args: readonly string[]): ConsumeArgs | { readonly help: string } {
  const line = parseCommandLine(args, {
    command: 'consume',
    options: OPTIONS,
    allowPositionals: true,
  });
  if (line.help) return { help: CONSUME_USAGE };
  const { values, positionals } = line;
  const refuse = (message: string) => new UsageError(message, 'consume');
  if (positionals.length !== 1 || !positionals[0]) throw refuse('name exactly one queue');
  if (values.ack && values['no-ack']) throw refuse('--ack and --no-ack exclude each other');
  if (values.dedupe && values['no-dedupe'])
    throw refuse('--dedupe and --no-dedupe exclude each other');
  const whole = (name: 'count' | 'prefetch', min: number, max: number): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      throw refuse(
        `--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`,
      );
    }
    return value;
  };
  const count = whole('count', 1, 1_000_000);
  const { 'ca-file': caFile, topology: topologyFile } = values;
  if (caFile === '') throw refuse('--ca-file must not be empty');
  if (topologyFile === '') throw refuse('--topology must not be empty');
  if (topologyFile !== undefined && values['data-dir'] !== undefined) {
    throw refuse(
      '--topology is for --table: the local fleet (--data-dir) uses the topology it was started with',
    );
  }
  const target = parseTargetArgs({
    ...(values['data-dir'] !== undefined && { dataDir: values['data-dir'] }),
    ...(values.table !== undefined && { table: values.table }),
    ...(values.endpoint !== undefined && { endpoint: values.endpoint }),
  });
  if ('problem' in target) throw refuse(target.problem);
  return {
    queue: positionals[0],
    ...(count !== undefined && { count }),
    ack: !values['no-ack'],
    dedupe: !values['no-dedupe'],
    prefetch: whole('prefetch', 1, 1_000) ?? 10,
    ...(caFile !== undefined && { caFile }),
    ...(topologyFile !== undefined && { topologyFile }),
    target,
  };
}
