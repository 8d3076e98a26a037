import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createConsumer } from '../consume/create-consumer.js';
import { DynamoDbDedupeStore } from '../consume/dynamodb-dedupe-store.js';
import { QueueNotFoundError } from '../consume/queue-not-found-error.js';
import { brokerCaCert } from './broker-ca-cert.js';
import { brokerCredentials } from './broker-credentials.js';
import { consumeTopology } from './consume-topology.js';
import { type ConsumeDedupeMode, createConsumeWarnings } from './consume-warnings.js';
import {
  openRegistryTarget,
  parseTargetArgs,
  type RegistryTargetOptions,
} from './registry-target.js';
import { UsageError } from './usage-error.js';

export const CONSUME_USAGE = `Usage: warren consume <queue> [options]

Consumes <queue> from every broker in the registry that is not retired and
prints one JSON line per message:
{"id","hasMessageId","replicas","node","body","headers","redeliveries","redelivered","publishedAt"}.
The queue must be declared in the topology with an x-dead-letter-exchange: a
message that cannot be decoded goes there, with an x-warren-dead-letter-reason
header. A broker that does not have the queue ends the command with exit code 1.

A message published with replicas has a copy on several brokers, all with the
same messageId. It is printed once: each messageId is claimed in the registry's
dedupe records (scope: the queue name, as consumers use by default) and the
other copies are acknowledged unprinted. While the registry cannot be reached,
messages are put back and retried: none is printed unclaimed or dead-lettered.
With --no-ack nothing is claimed: copies are told apart by messageId within
this run. Warnings go to stderr.

Options:
  --count N             stop after N messages
  --no-ack              leave messages on the brokers (they return when warren consume exits)
  --ack                 acknowledge each message once printed (default)
  --no-dedupe           print every copy of a replicated message (with a warning), claim nothing
  --dedupe              de-duplicate by messageId (default)
  --prefetch N          unacknowledged messages per broker (default 10; 1-1000)
  --data-dir DIR        the local fleet running in DIR (default .warren), guest credentials
  --table NAME          a DynamoDB registry table instead; credentials from WARREN_AMQP_SECRET_ARN
                        or WARREN_AMQP_USERNAME + WARREN_AMQP_PASSWORD
  --endpoint URL        with --table: a DynamoDB-compatible server such as dynalite
  --topology FILE       with --table: the brokers' topology (definitions JSON)
                        (default: $WARREN_TOPOLOGY, else the default topology);
                        the local fleet uses the topology it was started with
  --ca-file PATH        PEM CA certificate that amqps:// brokers' certificates chain to
                        (default: $WARREN_AMQP_CA_CERT, else Node's public roots)
  -h, --help            show this help

Ctrl-C or SIGTERM stops cleanly at any time: in-flight messages are finished, the rest stay queued.`;

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

/** Validates `warren consume` arguments; every mistake is a UsageError. */
export function parseConsumeArgs(args: readonly string[]): ConsumeArgs | 'help' {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        count: { type: 'string' },
        ack: { type: 'boolean' },
        'no-ack': { type: 'boolean' },
        dedupe: { type: 'boolean' },
        'no-dedupe': { type: 'boolean' },
        prefetch: { type: 'string' },
        'data-dir': { type: 'string' },
        table: { type: 'string' },
        endpoint: { type: 'string' },
        'ca-file': { type: 'string' },
        topology: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, CONSUME_USAGE);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1 || !positionals[0])
    throw new UsageError('name exactly one queue', CONSUME_USAGE);
  if (values.ack && values['no-ack'])
    throw new UsageError('--ack and --no-ack exclude each other', CONSUME_USAGE);
  if (values.dedupe && values['no-dedupe'])
    throw new UsageError('--dedupe and --no-dedupe exclude each other', CONSUME_USAGE);
  const whole = (name: string, raw: unknown, min: number, max: number): number | undefined => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || value > max) {
      throw new UsageError(
        `--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`,
        CONSUME_USAGE,
      );
    }
    return value;
  };
  const count = whole('count', values.count, 1, 1_000_000);
  const caFile = values['ca-file'];
  if (caFile === '') throw new UsageError('--ca-file must not be empty', CONSUME_USAGE);
  const topologyFile = values.topology;
  if (topologyFile === '') throw new UsageError('--topology must not be empty', CONSUME_USAGE);
  if (typeof topologyFile === 'string' && values['data-dir'] !== undefined) {
    throw new UsageError(
      '--topology is for --table: the local fleet (--data-dir) uses the topology it was started with',
      CONSUME_USAGE,
    );
  }
  const target = parseTargetArgs({
    ...(typeof values['data-dir'] === 'string' && { dataDir: values['data-dir'] }),
    ...(typeof values.table === 'string' && { table: values.table }),
    ...(typeof values.endpoint === 'string' && { endpoint: values.endpoint }),
  });
  if ('problem' in target) throw new UsageError(target.problem, CONSUME_USAGE);
  return {
    queue: positionals[0],
    ...(count !== undefined && { count }),
    ack: !values['no-ack'],
    dedupe: !values['no-dedupe'],
    prefetch: whole('prefetch', values.prefetch, 1, 1_000) ?? 10,
    ...(typeof caFile === 'string' && { caFile }),
    ...(typeof topologyFile === 'string' && { topologyFile }),
    target,
  };
}

/**
 * `warren consume`: prints messages as JSON lines until --count or SIGINT/SIGTERM
 * (which stop it at any point, also while no broker could be attached), each
 * messageId once unless --no-dedupe; warnings about copies go to `err`. A
 * broker without the queue is fatal: QueueNotFoundError, exit code 1.
 */
export async function runConsume(
  args: readonly string[],
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const options = parseConsumeArgs(args);
  if (options === 'help') {
    out(CONSUME_USAGE);
    return 0;
  }
  const done = new AbortController();
  const stop = () => done.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const caCertPem = await brokerCaCert(options.caFile, env, CONSUME_USAGE);
    const target = await openRegistryTarget(options.target, env);
    cleanups.push(() => target.close());
    const topology = await consumeTopology(options.target, options.topologyFile, env);
    const credentials = await brokerCredentials(options.target, env);
    if (done.signal.aborted) return 0;
    const mode: ConsumeDedupeMode = !options.dedupe ? 'off' : options.ack ? 'registry' : 'local';
    const warnings = createConsumeWarnings(mode);
    cleanups.push(() => {
      for (const line of warnings.summary()) err(line);
    });
    // --no-ack holds what it printed: a copy met again in this run is held unprinted.
    const printedIds = new Set<string>();
    let failure: Error | undefined;
    let printed = 0;
    const consumer = createConsumer({
      registry: target.registry,
      queue: options.queue,
      topology,
      prefetch: options.prefetch,
      credentialsFor: async () => credentials,
      ...(caCertPem !== undefined && { caCertPem }),
      ...(mode === 'registry' && {
        dedupe: {
          store: new DynamoDbDedupeStore({
            client: target.documentClient,
            tableName: target.tableName,
          }),
        },
      }),
      onEvent: (event) => {
        const warning = warnings.warn(event);
        if (warning !== undefined) err(warning);
        if (event.type !== 'queue-missing') return;
        failure ??= new QueueNotFoundError(event.queue, event.node);
        done.abort();
      },
      handler: async (message) => {
        if (done.signal.aborted) return 'hold';
        if (mode === 'local' && message.hasMessageId) {
          if (printedIds.has(message.id)) return 'hold';
          printedIds.add(message.id);
        }
        printed += 1;
        out(JSON.stringify(message));
        if (options.count !== undefined && printed >= options.count) done.abort();
        return options.ack ? undefined : 'hold';
      },
    });
    cleanups.push(() => consumer.stop());
    if (!done.signal.aborted) await once(done.signal, 'abort');
    if (failure) throw failure;
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
