/** The publishing variants. Each sends one batch (throughput) or one message (latency). */
import type { ConfirmChannel } from 'amqplib';
import type { MessageResult, Publisher } from '../../src/publish/publisher.js';
import type { HttpPublishClient } from '../support/http-publish-client.js';
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
  /** Copies of each message the brokers hold once it is accepted (the publish's replicas). */
  readonly copies: number;
  /** Publishes messages [index * BATCH, + size), counting them by broker; resolves with how many were accepted. */
  batch(tag: string, index: number, size: number, brokers: Map<string, number>): Promise<number>;
}

/**
 * Raw amqplib: message i goes to broker i mod 3 (with `copies` 2, also to the
 * next broker: the floor of what a second confirm costs); each batch is
 * published, then waits for its channels' confirms.
 */
export function rawVariant(brokers: RawBroker[], copies = 1): Variant {
  const targets = (i: number) =>
    Array.from({ length: copies }, (_, c) => brokers[(i + c) % brokers.length] as RawBroker);
  return {
    name: `raw amqplib${replicasSuffix(copies)}`,
    copies,
    async batch(tag, index, size, counts) {
      const used = new Set<ConfirmChannel>();
      for (let i = 0; i < size; i++) {
        for (const { id, channel } of targets(index * BATCH + i)) {
          channel.sendToQueue(QUEUE, PAYLOAD, {
            persistent: true,
            mandatory: true,
            messageId: `${tag}-${index}-${i}`,
          });
          used.add(channel);
          tally(counts, id);
        }
      }
      await Promise.all([...used].map((channel) => channel.waitForConfirms()));
      return size;
    },
    async single(tag, seq) {
      const confirmed = targets(seq).map(
        (broker) =>
          new Promise<string>((resolve, reject) => {
            broker.channel.sendToQueue(
              QUEUE,
              PAYLOAD,
              { persistent: true, mandatory: true, messageId: `${tag}-${seq}` },
              (error) => (error ? reject(new Error('nacked')) : resolve(broker.id)),
            );
          }),
      );
      return (await Promise.all(confirmed))[0] as string;
    },
  };
}

const nodeOf = (result: MessageResult | undefined) =>
  result?.status === 'accepted' ? result.node : `failed: ${result?.error}`;

/** Counts each copy of each result by the broker holding it; returns how many were accepted. */
function tallyCopies(results: readonly MessageResult[], counts: Map<string, number>): number {
  let accepted = 0;
  for (const result of results) {
    if (result.status !== 'accepted') {
      tally(counts, nodeOf(result));
      continue;
    }
    accepted += 1;
    for (const node of result.nodes) tally(counts, node);
  }
  return accepted;
}

/** ` r2` for replicas 2: variants of one path differ by it. */
export const replicasSuffix = (replicas: number) => (replicas === 1 ? '' : ` r${replicas}`);

/** warren in process: `publish()` of `{ body }` messages (ids generated), the batch split over the brokers. */
export function libraryVariant(publisher: Publisher, replicas = 1): Variant {
  const options = { replicas };
  return {
    name: `warren publish()${replicasSuffix(replicas)}`,
    copies: replicas,
    async batch(_tag, _index, size, counts) {
      const messages = Array.from({ length: size }, () => ({ body: BODY }));
      return tallyCopies(await publisher.publish(DESTINATION, messages, options), counts);
    },
    async single() {
      const [result] = await publisher.publish(DESTINATION, [{ body: BODY }], options);
      return nodeOf(result);
    },
  };
}

/**
 * Not a goal, a diagnostic: the same single-message request to a queue the topology
 * lacks, so the API reads, parses and validates it and answers 404 without publishing.
 */
export function httpFloorProbe(client: HttpPublishClient): LatencyProbe {
  return {
    name: 'HTTP 404 (floor)',
    async single(tag, seq) {
      const { status } = await client.publish('no-such-queue', [`${tag}-${seq}`]);
      return status === 404 ? 'none' : `status ${status}`;
    },
  };
}

/** The same single-message request to a node:http server that reads it and answers at once: HTTP's own round trip. */
export function bareHttpProbe(client: HttpPublishClient, bareUrl: string): LatencyProbe {
  return postProbe(client, 'bare node:http', bareUrl);
}

/**
 * The same single-message request to a reference publisher (bench/support/reference-publishers.ts):
 * not a goal, the floor an HTTP publish can reach here, on node:http alone or through Hono.
 */
export function referenceProbe(
  client: HttpPublishClient,
  name: 'reference node:http' | 'reference Hono',
  baseUrl: string,
): LatencyProbe {
  return postProbe(client, name, `${baseUrl}/v1/publish`);
}

/** POSTs `{ queue, messages: [{ id, body }] }` to `url`; the broker is the one its result names, if any. */
function postProbe(client: HttpPublishClient, name: string, url: string): LatencyProbe {
  return {
    name,
    async single(tag, seq) {
      const json = JSON.stringify({
        queue: QUEUE,
        messages: [{ id: `${tag}-${seq}`, body: BODY }],
      });
      const { status, text } = await client.post(url, json);
      if (status !== 200) return `status ${status}`;
      const { results } = JSON.parse(text) as { results: MessageResult[] };
      return results.length > 0 ? nodeOf(results[0]) : 'none';
    },
  };
}

/** warren over HTTP: `POST /v1/publish` with `{ queue, messages: [{ id, body }] }` (and `replicas` above 1), keep-alive node:http. */
export function httpVariant(client: HttpPublishClient, replicas = 1): Variant {
  const post = async (ids: string[]) =>
    (await client.publish(QUEUE, ids, replicas > 1 ? { replicas } : {})).results;
  return {
    name: `warren HTTP${replicasSuffix(replicas)}`,
    copies: replicas,
    async batch(tag, index, size, counts) {
      const results = await post(Array.from({ length: size }, (_, i) => `${tag}-${index}-${i}`));
      return tallyCopies(results, counts);
    },
    async single(tag, seq) {
      const [result] = await post([`${tag}-${seq}`]);
      return nodeOf(result);
    },
  };
}
