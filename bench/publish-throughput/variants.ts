/** The publishing variants. Each sends one batch (throughput) or one message (latency). */
import type { ConfirmChannel } from 'amqplib';
import type { MessageResult, Publisher } from '../../src/publish/publisher.js';
import { BENCH_BODY as BODY, BENCH_PAYLOAD as PAYLOAD } from '../support/payload.js';
import type { RawBroker } from '../support/raw-brokers.js';
import { tally } from './broker-counts.js';
import { BATCH, DESTINATION, QUEUE } from './settings.js';

export interface LatencyProbe {
  readonly name: string;
  /** Publishes one message and resolves once it is confirmed, with the broker that took it. */
  single(tag: string, seq: number): Promise<string>;
}

export interface Variant extends LatencyProbe {
  /** Publishes messages [index * BATCH, + size), counting them by broker; resolves with how many were accepted. */
  batch(tag: string, index: number, size: number, brokers: Map<string, number>): Promise<number>;
}

/** Raw amqplib: message i goes to broker i mod 3; each batch is published, then waits for its channels' confirms. */
export function rawVariant(brokers: RawBroker[]): Variant {
  return {
    name: 'raw amqplib',
    async batch(tag, index, size, counts) {
      const used = new Set<ConfirmChannel>();
      for (let i = 0; i < size; i++) {
        const { id, channel } = brokers[(index * BATCH + i) % brokers.length] as RawBroker;
        channel.sendToQueue(QUEUE, PAYLOAD, {
          persistent: true,
          mandatory: true,
          messageId: `${tag}-${index}-${i}`,
        });
        used.add(channel);
        tally(counts, id);
      }
      await Promise.all([...used].map((channel) => channel.waitForConfirms()));
      return size;
    },
    single(tag, seq) {
      const broker = brokers[seq % brokers.length] as RawBroker;
      return new Promise((resolve, reject) => {
        broker.channel.sendToQueue(
          QUEUE,
          PAYLOAD,
          { persistent: true, mandatory: true, messageId: `${tag}-${seq}` },
          (error) => (error ? reject(new Error('nacked')) : resolve(broker.id)),
        );
      });
    },
  };
}

const nodeOf = (result: MessageResult | undefined) =>
  result?.status === 'accepted' ? result.node : `failed: ${result?.error}`;

/** warren in process: `publish()` of `{ body }` messages (ids generated), the batch split over the brokers. */
export function libraryVariant(publisher: Publisher): Variant {
  return {
    name: 'warren publish()',
    async batch(_tag, _index, size, counts) {
      const messages = Array.from({ length: size }, () => ({ body: BODY }));
      const results = await publisher.publish(DESTINATION, messages);
      for (const result of results) tally(counts, nodeOf(result));
      return results.filter((result) => result.status === 'accepted').length;
    },
    async single() {
      const [result] = await publisher.publish(DESTINATION, [{ body: BODY }]);
      return nodeOf(result);
    },
  };
}

interface WireResults {
  readonly results?: readonly MessageResult[];
}

/**
 * Not a goal, a diagnostic: the same single-message request to a queue the topology
 * lacks, so the API reads, parses and validates it and answers 404 without publishing.
 */
export function httpFloorProbe(apiUrl: string): LatencyProbe {
  return {
    name: 'HTTP 404 (floor)',
    async single(tag, seq) {
      const response = await fetch(`${apiUrl}/v1/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          queue: 'no-such-queue',
          messages: [{ id: `${tag}-${seq}`, body: BODY }],
        }),
      });
      await response.arrayBuffer();
      return response.status === 404 ? 'none' : `status ${response.status}`;
    },
  };
}

/** warren over HTTP: `POST /v1/publish` with `{ queue, messages: [{ id, body }] }`, keep-alive `fetch`. */
export function httpVariant(apiUrl: string): Variant {
  const url = `${apiUrl}/v1/publish`;
  const post = async (messages: { id: string; body: unknown }[]) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queue: QUEUE, messages }),
    });
    const json = (await response.json()) as WireResults;
    return json.results ?? [];
  };
  return {
    name: 'warren HTTP',
    async batch(tag, index, size, counts) {
      const results = await post(
        Array.from({ length: size }, (_, i) => ({ id: `${tag}-${index}-${i}`, body: BODY })),
      );
      for (const result of results) tally(counts, nodeOf(result));
      return results.filter((result) => result.status === 'accepted').length;
    },
    async single(tag, seq) {
      const [result] = await post([{ id: `${tag}-${seq}`, body: BODY }]);
      return nodeOf(result);
    },
  };
}
