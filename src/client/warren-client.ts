import type { HealthResponse, NodesResponse } from '../http/openapi-schemas.js';
import type { MessageResult } from '../publish/publisher.js';
import { apiErrorFrom } from './warren-api-error.js';

/** The body of `POST /v1/publish`, as the OpenAPI document describes it. */
export type PublishRequestBody = (
  | { readonly queue: string; readonly exchange?: never; readonly routingKey?: never }
  | { readonly exchange: string; readonly routingKey?: string; readonly queue?: never }
) & {
  readonly messages: readonly {
    readonly id?: string;
    readonly body: unknown;
    readonly headers?: Readonly<Record<string, string>>;
    readonly key?: string;
  }[];
  readonly replicas?: number;
};

/** A publish some or all of whose messages were accepted (200 or 207). */
export interface PublishResult {
  readonly status: 200 | 207;
  readonly results: MessageResult[];
}

/** Adds headers (an `Authorization`, say) to a request about to be sent. */
export type RequestSigner = (request: {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}) => Promise<Record<string, string>>;

export interface WarrenClientOptions {
  /** The API's base URL: `http://127.0.0.1:8080` for `npm start`, or the function URL. */
  readonly url: string | URL;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Signs each request, e.g. {@link createSigV4Signer} for an IAM-authorised function URL. */
  readonly signer?: RequestSigner;
}

export interface WarrenClient {
  /** Throws WarrenApiError unless the answer is 200 or 207. */
  publish(request: PublishRequestBody): Promise<PublishResult>;
  nodes(): Promise<NodesResponse>;
  health(): Promise<HealthResponse>;
}

/**
 * A typed client of the warren HTTP API (local `warren dev` or the publish
 * Lambda's function URL). Errors arrive as WarrenApiError with the API's code.
 *
 * @example
 * const warren = createWarrenClient({ url: 'http://127.0.0.1:8080' });
 * const { results } = await warren.publish({ queue: 'tasks', messages: [{ body: { job: 1 } }] });
 */
export function createWarrenClient(options: WarrenClientOptions): WarrenClient {
  const base = new URL(options.url);
  const send = options.fetch ?? fetch;

  async function call(method: string, path: string, body?: unknown) {
    const url = new URL(path.replace(/^\//, ''), base.href.endsWith('/') ? base : `${base.href}/`);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(text !== undefined && { 'content-type': 'application/json' }),
    };
    const signed = options.signer
      ? await options.signer({ method, url, headers, ...(text !== undefined && { body: text }) })
      : headers;
    const response = await send(url, {
      method,
      headers: signed,
      ...(text !== undefined && { body: text }),
    });
    const answer: unknown = await response.json().catch(() => undefined);
    return { response, answer };
  }

  async function get<T>(path: string, okStatuses: readonly number[] = [200]): Promise<T> {
    const { response, answer } = await call('GET', path);
    if (!okStatuses.includes(response.status))
      throw apiErrorFrom(response.status, answer, response.headers.get('retry-after'));
    return answer as T;
  }

  return {
    async publish(request) {
      const { response, answer } = await call('POST', '/v1/publish', request);
      if (response.status !== 200 && response.status !== 207)
        throw apiErrorFrom(response.status, answer, response.headers.get('retry-after'));
      return { status: response.status, results: (answer as { results: MessageResult[] }).results };
    },
    nodes: () => get<NodesResponse>('/v1/nodes'),
    // An unready API answers 503 with the same shape: a status, not an error.
    health: () => get<HealthResponse>('/healthz', [200, 503]),
  };
}
