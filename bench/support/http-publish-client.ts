/**
 * The benches' HTTP load generator: `POST /v1/publish` over node:http with
 * keep-alive, each request's JSON built around the payload serialised once
 * (byte for byte what `JSON.stringify({ queue, messages: [{ id, body }] })`
 * gives). Raw amqplib's baseline sends one prebuilt payload too: the client
 * should cost the machine as little as it can, since it runs on the same two
 * cores as the API and the brokers. `fetch` (undici) cost 27 µs of CPU per
 * message in batches of 100 here, this client about 9 (BENCHMARKS.md).
 */
import { Agent, request } from 'node:http';
import type { MessageResult } from '../../src/publish/publisher.js';
import { BENCH_BODY } from './payload.js';

const BODY_JSON = JSON.stringify(BENCH_BODY);

export interface HttpAnswer {
  /** 0 when no answer came (connection error, timeout). */
  readonly status: number;
  readonly text: string;
}

export interface PublishAnswer {
  readonly status: number;
  readonly results: readonly MessageResult[];
  /** The error body's message, or why no answer came. */
  readonly error?: string;
}

export interface HttpPublishClient {
  /** Publishes `{ id, body: BENCH_BODY }` for each id to `queue`; never throws. */
  publish(
    queue: string,
    ids: readonly string[],
    options?: { readonly replicas?: number; readonly timeoutMs?: number },
  ): Promise<PublishAnswer>;
  /** POSTs a JSON text to `url` and reads the answer whole; never throws. */
  post(url: string, json: string, timeoutMs?: number): Promise<HttpAnswer>;
  close(): void;
}

/**
 * @example const client = createHttpPublishClient(apiUrl); const { results } = await client.publish('tasks', ['a-1', 'a-2']);
 */
export function createHttpPublishClient(apiUrl: string): HttpPublishClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const post = (url: string, json: string, timeoutMs = 30_000) =>
    new Promise<HttpAnswer>((resolve) => {
      const body = Buffer.from(json);
      const call = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          response.on('error', (error) => resolve({ status: 0, text: error.message }));
        },
      );
      call.on('timeout', () => call.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      call.on('error', (error) => resolve({ status: 0, text: `${error.name} ${error.message}` }));
      call.end(body);
    });
  return {
    post,
    async publish(queue, ids, options = {}) {
      const messages = ids.map((id) => `{"id":${JSON.stringify(id)},"body":${BODY_JSON}}`);
      const replicas = options.replicas !== undefined ? `,"replicas":${options.replicas}` : '';
      const json = `{"queue":${JSON.stringify(queue)},"messages":[${messages.join(',')}]${replicas}}`;
      const answer = await post(`${apiUrl}/v1/publish`, json, options.timeoutMs);
      if (answer.status === 0) return { status: 0, results: [], error: answer.text };
      try {
        const parsed = JSON.parse(answer.text) as {
          results?: MessageResult[];
          error?: { message?: string };
        };
        return {
          status: answer.status,
          results: parsed.results ?? [],
          ...(parsed.error && { error: parsed.error.message ?? 'error' }),
        };
      } catch {
        return { status: answer.status, results: [], error: 'answer is not JSON' };
      }
    },
    close: () => agent.destroy(),
  };
}
