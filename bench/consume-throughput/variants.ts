/** The consuming variants. Each consumes `total` messages and resolves once it has seen them all. */
import { connect } from 'amqplib';
import { createConsumer, type DedupeOptions } from '../../src/consume/create-consumer.js';
import { DynamoDbDedupeStore } from '../../src/consume/dynamodb-dedupe-store.js';
import { LOCAL_CREDENTIALS } from '../../src/fleet/local-brokers.js';
import type { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { within } from '../support/measure.js';
import type { RawBroker } from '../support/raw-brokers.js';
import type { DedupeTable } from './dedupe-table.js';
import { BROKERS, PER_BROKER, PREFETCH, QUEUE, RUN_TIMEOUT_MS, TOTAL } from './settings.js';

export interface Consumed {
  /** Start until the last message was handled. */
  readonly ms: number;
  /** Start until the first message was handled: registry read and connects. */
  readonly firstMs: number;
  readonly seen: number;
  readonly timedOut: boolean;
  /** Closes the consumer (untimed). */
  readonly close: () => Promise<void>;
}

export interface Variant {
  readonly name: string;
  /** How many of the TOTAL messages to load on each broker for repetition `rep`. */
  spread(rep: number): number[];
  consume(rep: number, total: number): Promise<Consumed>;
}

/** Resolves when `count` reaches `total`, or with 'timeout'. */
function counter(total: number) {
  const started = performance.now();
  let seen = 0;
  let firstAt: number | undefined;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  return {
    started,
    hit() {
      firstAt ??= performance.now();
      seen += 1;
      if (seen === total) done();
    },
    async wait() {
      const outcome = await within(all, RUN_TIMEOUT_MS - (performance.now() - started));
      const ms = performance.now() - started;
      return {
        ms,
        firstMs: (firstAt ?? performance.now()) - started,
        seen,
        timedOut: outcome === 'timeout',
      };
    },
  };
}

const even = () => Array.from({ length: BROKERS }, () => PER_BROKER);

export function warrenVariant(
  registry: DynamoDbHealthRegistry,
  dedupeTable?: DedupeTable,
): Variant {
  return {
    name: dedupeTable
      ? 'warren createConsumer + dedupe (3 brokers)'
      : 'warren createConsumer (3 brokers)',
    spread: even,
    async consume(rep, total) {
      const count = counter(total);
      // A scope per repetition: every run claims and completes each of its messages afresh.
      const dedupe: DedupeOptions | undefined = dedupeTable && {
        store: new DynamoDbDedupeStore({
          client: dedupeTable.client,
          tableName: dedupeTable.tableName,
        }),
        scope: `bench-${rep}-${Date.now()}`,
      };
      const consumer = createConsumer({
        registry,
        queue: QUEUE,
        topology: defaultTopology,
        prefetch: PREFETCH,
        credentialsFor: async () => LOCAL_CREDENTIALS,
        ...(dedupe && { dedupe }),
        handler: async () => {
          count.hit();
        },
      });
      const result = await count.wait();
      return { ...result, close: () => consumer.stop() };
    },
  };
}

/** Raw amqplib on `urls`: one connection and channel each, prefetch, an ack per message in the callback. */
async function rawConsume(urls: readonly string[], total: number): Promise<Consumed> {
  const count = counter(total);
  const opened = await Promise.all(
    urls.map(async (url) => {
      const connection = await connect(url);
      connection.on('error', () => undefined);
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.prefetch(PREFETCH);
      const { consumerTag } = await channel.consume(
        QUEUE,
        (delivery) => {
          if (delivery === null) return;
          count.hit();
          channel.ack(delivery);
        },
        { noAck: false },
      );
      return { connection, channel, consumerTag };
    }),
  );
  const result = await count.wait();
  return {
    ...result,
    close: async () => {
      for (const { connection, channel, consumerTag } of opened) {
        await channel.cancel(consumerTag).catch(() => undefined);
        await channel.close().catch(() => undefined);
        await connection.close().catch(() => undefined);
      }
    },
  };
}

export function rawOneVariant(brokers: readonly RawBroker[]): Variant {
  const which = (rep: number) => rep % brokers.length;
  return {
    name: 'raw amqplib, 1 broker (baseline)',
    spread: (rep) => brokers.map((_, i) => (i === which(rep) ? TOTAL : 0)),
    consume: (rep, total) => rawConsume([brokers[which(rep)]?.url ?? ''], total),
  };
}

export function rawThreeVariant(brokers: readonly RawBroker[]): Variant {
  return {
    name: 'raw amqplib, 3 brokers',
    spread: even,
    consume: (_rep, total) =>
      rawConsume(
        brokers.map((b) => b.url),
        total,
      ),
  };
}
