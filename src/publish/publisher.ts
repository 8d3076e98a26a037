import type { PublishTelemetry } from './publish-telemetry.js';

/**
 * The publish contract shared by the in-process library, the HTTP API and the
 * Lambda's direct invoke.
 */

/** Where messages go: a queue (through the default exchange) or an exchange with a routing key. */
export type Destination =
  | { readonly kind: 'queue'; readonly queue: string }
  | { readonly kind: 'exchange'; readonly exchange: string; readonly routingKey: string };

export interface PublishMessage {
  /** Becomes the AMQP `messageId`; a UUIDv7 is generated when absent. Stable across retries. */
  readonly id?: string;
  /**
   * Any JSON value; sent as `application/json`, as `JSON.stringify(body)`
   * unless `bodyBytes` is given. A body the HTTP API read is left unbuilt: a
   * JsonBytes, which JSON.stringify writes as the value.
   */
  readonly body: unknown;
  /**
   * The body's JSON as UTF-8 bytes, when the caller has them already (the HTTP
   * edge does): sent as they are, byte for byte, in place of serialising `body`.
   * The HTTP API passes the request's own bytes of each body, as the client
   * sent them (`{"a": 1}` keeps its space, `1e999` stays `1e999`).
   */
  readonly bodyBytes?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Messages with the same key go to the same broker while it is healthy, in order. */
  readonly key?: string;
}

/**
 * Why a message was not accepted, and so whether sending it again can help:
 * `unroutable` is the message's own (no queue is bound for its routing key:
 * the same request fails again); the others are about the fleet — no broker
 * was eligible (`no_broker`), fewer brokers were eligible than the message
 * needs copies (`too_few_brokers`), every broker tried failed (`brokers_failed`),
 * the budget ran out first (`deadline`), or the brokers' credentials could
 * not be read (`credentials`) — and a later retry may succeed.
 */
export type FailureCode =
  | 'unroutable'
  | 'no_broker'
  | 'too_few_brokers'
  | 'brokers_failed'
  | 'deadline'
  | 'credentials';

export type MessageResult =
  | {
      readonly id: string;
      readonly status: 'accepted';
      /** The first of `nodes`, for callers from before replicas. */
      readonly node: string;
      /** Every broker that confirmed a copy: `replicas` distinct brokers. */
      readonly nodes: readonly string[];
    }
  | {
      readonly id: string;
      readonly status: 'failed';
      readonly code: FailureCode;
      /** In words; never a URL, user name or internal address. */
      readonly error: string;
    };

export interface PublishOptions {
  /** The whole call's budget, retries included. */
  readonly deadlineMs?: number;
  /**
   * How many distinct brokers must confirm each message before it is
   * accepted, 1 to 3 (default: the publisher's). Copies go out in parallel,
   * to distinct zones where brokers carry one.
   */
  readonly replicas?: number;
  /** Told what this call routed on, which brokers failed it and its results; none by default. */
  readonly telemetry?: PublishTelemetry | undefined;
}

/** Sends messages to healthy brokers, failing over to others; `accepted` means `replicas` brokers confirmed it. */
export interface Publisher {
  publish(
    destination: Destination,
    messages: readonly PublishMessage[],
    options?: PublishOptions,
  ): Promise<MessageResult[]>;
}
