import { once } from 'node:events';
import { createConsumer } from '../consume/create-consumer.js';
import { DynamoDbDedupeStore } from '../consume/dynamodb-dedupe-store.js';
import { QueueNotFoundError } from '../consume/queue-not-found-error.js';
import { brokerCaCert } from './broker-ca-cert.js';
import { brokerCredentials } from './broker-credentials.js';
import { type CommandIo, commandIo } from './command-io.js';
import { parseConsumeArgs } from './consume-args.js';
import { consumeTopology } from './consume-topology.js';
import { type ConsumeDedupeMode, createConsumeWarnings } from './consume-warnings.js';
import { openRegistryTarget } from './registry-target.js';

/**
 * `warren consume`: prints messages as JSON lines until --count or SIGINT/SIGTERM
 * (which stop it at any point, also while no broker could be attached), each
 * messageId once unless --no-dedupe; warnings about copies go to `err`. A
 * broker without the queue is fatal: QueueNotFoundError, exit code 1.
 */
export async function runConsume(
  args: readonly string[],
  io: Partial<CommandIo> = {},
): Promise<number> {
  const { out, err, env } = commandIo(io);
  const options = parseConsumeArgs(args);
  if ('help' in options) {
    out(options.help);
    return 0;
  }
  const done = new AbortController();
  const stop = () => done.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const caCertPem = await brokerCaCert(options.caFile, env, 'consume');
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
