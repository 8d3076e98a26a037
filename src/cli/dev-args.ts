import { InvalidAmqpUrlError, parseAmqpUrl } from '../core/amqp-endpoint.js';
import { DEFAULT_REPLICAS, MAX_REPLICAS, MIN_REPLICAS } from '../core/replicas.js';
import { DEV_USAGE } from './dev-usage.js';
import { parseCommandLine } from './parse-command-line.js';
import { UsageError } from './usage-error.js';

export interface DevOptions {
  readonly nodes: number;
  readonly port: number;
  readonly dataDir: string;
  readonly brokers?: string[];
  readonly topologyFile?: string;
  readonly replicas: number;
  /** Log JSON lines instead of text. */
  readonly json: boolean;
}

const OPTIONS = {
  nodes: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  brokers: { type: 'string' },
  topology: { type: 'string' },
  replicas: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Validates `warren dev` arguments; every mistake is a UsageError naming the option.
 *
 * @example parseDevArgs(['--nodes', '1', '--port', '0']) // { nodes: 1, port: 0, dataDir: '.warren', replicas: 1, json: false }
 */
export function parseDevArgs(args: readonly string[]): DevOptions | { readonly help: string } {
  const line = parseCommandLine(args, {
    command: 'dev',
    options: OPTIONS,
    allowPositionals: false,
  });
  if (line.help) return { help: DEV_USAGE };
  const { values } = line;
  const refuse = (message: string) => new UsageError(message, 'dev');
  const integer = (
    name: 'nodes' | 'port' | 'replicas',
    fallback: number,
    min: number,
    max: number,
  ) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      throw refuse(
        `--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`,
      );
    }
    return value;
  };
  const nodes = integer('nodes', 3, 1, 20);
  const port = integer('port', 8080, 0, 65535);
  const dataDir = values['data-dir'];
  if (dataDir === '') throw refuse('--data-dir must not be empty');
  let brokers: string[] | undefined;
  if (values.brokers !== undefined) {
    if (values.nodes !== undefined) throw refuse('--nodes and --brokers exclude each other');
    brokers = values.brokers.split(',').map((url) => url.trim());
    for (const url of brokers) {
      try {
        parseAmqpUrl(url);
      } catch (error) {
        if (error instanceof InvalidAmqpUrlError) throw refuse(`--brokers: ${error.message}`);
        throw error;
      }
    }
  }
  const replicas = integer('replicas', DEFAULT_REPLICAS, MIN_REPLICAS, MAX_REPLICAS);
  const brokerCount = brokers?.length ?? nodes;
  if (replicas > brokerCount) {
    throw refuse(
      `--replicas ${replicas} needs at least ${replicas} brokers; the fleet has ${brokerCount}`,
    );
  }
  return {
    nodes,
    port,
    replicas,
    dataDir: dataDir ?? '.warren',
    json: values.json === true,
    ...(brokers && { brokers }),
    ...(values.topology !== undefined && { topologyFile: values.topology }),
  };
}
