import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { InvalidAmqpUrlError, parseAmqpUrl } from '../core/amqp-endpoint.js';
import { DEFAULT_REPLICAS, MAX_REPLICAS, MIN_REPLICAS } from '../core/replicas.js';
import { startFleet } from '../fleet/fleet.js';
import { loadTopology } from '../topology/load-topology.js';
import { renderFleetEvent } from './render-fleet-event.js';
import { UsageError } from './usage-error.js';

export const DEV_USAGE = `Usage: warren dev [options]

Runs a local warren fleet: real, independent rabbitmq-server brokers, an
embedded DynamoDB-compatible registry and the HTTP API on 127.0.0.1.

Options:
  --nodes N          brokers to start (1-20, default 3)
  --port P           HTTP API port on 127.0.0.1 (default 8080; 0 picks a free one)
  --data-dir DIR     broker data and logs (default .warren)
  --brokers URLS     comma-separated amqp:// URLs of brokers you run; starts none
  --topology FILE    RabbitMQ definitions JSON to declare (default: tasks, events, dead letters)
  --replicas N       distinct brokers that must confirm each message (1-3, default 1;
                     a request's "replicas" overrides it)
  -h, --help         show this help`;

export interface DevOptions {
  readonly nodes: number;
  readonly port: number;
  readonly dataDir: string;
  readonly brokers?: string[];
  readonly topologyFile?: string;
  readonly replicas: number;
}

/** Validates `warren dev` arguments; every mistake is a UsageError naming the option. */
export function parseDevArgs(args: readonly string[]): DevOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        nodes: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        brokers: { type: 'string' },
        topology: { type: 'string' },
        replicas: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message, DEV_USAGE);
  }
  if (values.help) return 'help';
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || value > max) {
      throw new UsageError(
        `--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`,
        DEV_USAGE,
      );
    }
    return value;
  };
  const nodes = integer('nodes', 3, 1, 20);
  const port = integer('port', 8080, 0, 65535);
  const dataDir = values['data-dir'];
  if (dataDir === '') throw new UsageError('--data-dir must not be empty', DEV_USAGE);
  let brokers: string[] | undefined;
  if (typeof values.brokers === 'string') {
    if (values.nodes !== undefined)
      throw new UsageError('--nodes and --brokers exclude each other', DEV_USAGE);
    brokers = values.brokers.split(',').map((url) => url.trim());
    for (const url of brokers) {
      try {
        parseAmqpUrl(url);
      } catch (error) {
        if (error instanceof InvalidAmqpUrlError)
          throw new UsageError(`--brokers: ${error.message}`, DEV_USAGE);
        throw error;
      }
    }
  }
  const replicas = integer('replicas', DEFAULT_REPLICAS, MIN_REPLICAS, MAX_REPLICAS);
  const brokerCount = brokers?.length ?? nodes;
  if (replicas > brokerCount) {
    throw new UsageError(
      `--replicas ${replicas} needs at least ${replicas} brokers; the fleet has ${brokerCount}`,
      DEV_USAGE,
    );
  }
  return {
    nodes,
    port,
    replicas,
    dataDir: typeof dataDir === 'string' ? dataDir : '.warren',
    ...(brokers && { brokers }),
    ...(typeof values.topology === 'string' && { topologyFile: values.topology }),
  };
}

/** `warren dev`: runs the fleet until SIGINT or SIGTERM, then stops everything it started. */
export async function runDev(
  args: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  const options = parseDevArgs(args);
  if (options === 'help') {
    out(DEV_USAGE);
    return 0;
  }
  const topology = options.topologyFile ? await loadTopology(options.topologyFile) : undefined;
  const startedAt = Date.now();
  out(
    options.brokers
      ? `warren dev: using ${options.brokers.length} existing brokers, data in ${options.dataDir}`
      : `warren dev: starting ${options.nodes} RabbitMQ brokers, data in ${options.dataDir}`,
  );
  if (options.replicas > 1)
    out(
      `warren dev: ${options.replicas} brokers confirm each message unless a request asks otherwise`,
    );
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      stop.abort(signal);
      return;
    }
    // A second signal: stop waiting; the exit hook SIGKILLs every broker still running.
    out(`${signal} again: exiting without waiting for brokers to stop`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const fleet = await startFleet({
      nodes: options.nodes,
      port: options.port,
      dataDir: options.dataDir,
      replicas: options.replicas,
      ...(options.brokers && { brokers: options.brokers }),
      ...(topology && { topology }),
      signal: stop.signal,
      onEvent: (event) => {
        const text = renderFleetEvent(event);
        if (text !== undefined) out(text);
      },
    });
    out(
      `warren is ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: API on ${fleet.apiUrl} ` +
        `(${fleet.brokers.length} brokers: GET ${fleet.apiUrl}/v1/nodes). Ctrl-C stops everything.`,
    );
    if (!stop.signal.aborted) await once(stop.signal, 'abort');
    await fleet.stop();
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  out('warren dev: stopped');
  return 0;
}
