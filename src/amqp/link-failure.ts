import { AmqpConnectError } from './connect-amqp.js';

/**
 * Why a link did not open, or why a publish on it was not confirmed. Decided
 * once, where amqplib reports it, so callers switch on `kind` (and a connect
 * failure's `cause`), never on a message. `detail` is for logs only: it can
 * hold a redacted URL or an internal address.
 *
 * @example if (failure.kind === 'connect' && failure.cause === 'certificate') alert(failure.certificateProblem);
 */
export type LinkFailure =
  /** No connection: refused, reset, DNS, a protocol error, or no handshake or channel in time. */
  | {
      readonly kind: 'connect';
      readonly cause: 'unreachable' | 'timeout';
      readonly detail: string;
    }
  /** TLS refused the broker's certificate (untrusted issuer, expired, wrong address). */
  | {
      readonly kind: 'connect';
      readonly cause: 'certificate';
      readonly certificateProblem: string;
      readonly detail: string;
    }
  /** The broker refused the credentials (ACCESS_REFUSED during the handshake). */
  | { readonly kind: 'auth'; readonly detail: string }
  /** Written, but no confirm within `afterMs` (0: not written at all): the broker may still store it. */
  | { readonly kind: 'timeout'; readonly afterMs: number }
  /** The connection or channel closed before the confirm. */
  | { readonly kind: 'closed'; readonly detail: string }
  /** RabbitMQ sent `connection.blocked` (a resource alarm): a publish would hang. */
  | { readonly kind: 'blocked'; readonly detail: string }
  /** The broker nacked it (an internal queue error, or a full queue that rejects publishes). */
  | { readonly kind: 'nack' }
  /** Mandatory and routed to no queue: returned by the broker, then confirmed. */
  | { readonly kind: 'unroutable' };

/** One message's end on a link: confirmed, or why not. */
export type LinkOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly failure: LinkFailure };

/**
 * The failure in a line for logs and events (redacted URLs at most).
 *
 * @example detailOf({ kind: 'timeout', afterMs: 500 }) // 'no confirm within 500 ms'
 */
export function detailOf(failure: LinkFailure): string {
  switch (failure.kind) {
    case 'connect':
    case 'auth':
    case 'closed':
    case 'blocked':
      return failure.detail;
    case 'timeout':
      return `no confirm within ${Math.round(failure.afterMs)} ms`;
    case 'nack':
      return 'nacked by the broker';
    case 'unroutable':
      return 'unroutable: routed to no queue';
    default:
      return failure satisfies never;
  }
}

/**
 * A link that could not be opened or broke, for callers that throw rather than
 * return failures (the consumer's attach); `failure` says why, as data.
 *
 * @example throw new LinkFailureError({ kind: 'closed', detail: 'channel closed' });
 */
export class LinkFailureError extends Error {
  readonly failure: LinkFailure;
  constructor(failure: LinkFailure, options?: ErrorOptions) {
    super(detailOf(failure), options);
    this.name = 'LinkFailureError';
    this.failure = failure;
  }
}

/**
 * A connect error as a link failure, from what `connectAmqp` decided (its
 * `kind`), never from the message.
 *
 * @example linkFailureOf(new AmqpConnectError(url, 'refused')) // { kind: 'connect', cause: 'unreachable', … }
 */
export function linkFailureOf(error: unknown): LinkFailure {
  const detail = toError(error).message;
  if (!(error instanceof AmqpConnectError))
    return { kind: 'connect', cause: 'unreachable', detail };
  switch (error.kind) {
    case 'auth':
      return { kind: 'auth', detail };
    case 'timeout':
      return { kind: 'connect', cause: 'timeout', detail };
    case 'certificate':
      return {
        kind: 'connect',
        cause: 'certificate',
        certificateProblem: error.certificateProblem ?? detail,
        detail,
      };
    case 'unreachable':
      return { kind: 'connect', cause: 'unreachable', detail };
    default:
      return error.kind satisfies never;
  }
}

/**
 * An amqplib rejection as an Error (amqplib rejects with errors, but nothing enforces it).
 *
 * @example connection.createConfirmChannel().catch((error: unknown) => toError(error))
 */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
