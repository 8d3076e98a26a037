import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { withCredentials } from '../core/amqp-endpoint.js';
import { withDeadline } from '../timing/with-deadline.js';
import type { AmqpCredentials } from './amqp-credentials.js';
import { type ChannelWire, channelWire } from './channel-wire.js';
import { createConfirmWindow, PublishState } from './confirm-window.js';
import { connectAmqp } from './connect-amqp.js';
import { type LinkFailure, type LinkOutcome, linkFailureOf, toError } from './link-failure.js';
import {
  failed,
  type JsonBatch,
  type LinkCore,
  type LinkMessage,
  publishConfirmed,
  publishJsonBatch,
  returnedOf,
} from './publish-confirmed.js';

/**
 * One broker's connection and confirm channel: the one AMQP lifecycle every
 * caller uses (publisher pool, prober, consumer, CLI, local fleet).
 *
 * @example const outcomes = await link.publishBatch({ exchange: '', routingKey: 'tasks', messages }, deadline - performance.now());
 */
export interface AmqpLink {
  readonly connection: ChannelModel;
  /**
   * For what is not publishing (consume, ack, prefetch, checkQueue). Publish
   * with `publishBatch` or `publishConfirmed`: the link tracks the channel's
   * confirms itself, so a confirm for `channel.publish` would never come.
   */
  readonly channel: Omit<ConfirmChannel, 'publish' | 'sendToQueue' | 'waitForConfirms'>;
  /** Why it broke, once it has: a publish that starts afterwards fails at once. */
  readonly broken: LinkFailure | undefined;
  /**
   * Runs `handler` once, when the link breaks (at once if it already has).
   * Never for a link its owner closed: closing is not breaking.
   */
  onBroken(handler: (failure: LinkFailure) => void): void;
  /**
   * Publishes JSON messages, persistent and mandatory, as one write, and waits
   * for their confirms, raced against the link breaking and `timeoutMs`.
   */
  publishBatch(batch: JsonBatch, timeoutMs: number): Promise<LinkOutcome[]>;
  /** Publishes messages of any properties and waits for their confirms, as `publishBatch` does. */
  publishConfirmed(messages: readonly LinkMessage[], timeoutMs: number): Promise<LinkOutcome[]>;
  /** Channel, then connection, within 1 s; a broker that does not answer has its socket destroyed. */
  close(): Promise<void>;
}

export interface LinkOptions {
  /** Connect, handshake and channel open together. With no time left nothing is attempted. */
  readonly timeoutMs: number;
  /** Shown as the connection name in the management UI. */
  readonly connectionName: string;
  /** Logs in as these instead of any user in the URL (a registry endpoint carries none). */
  readonly credentials?: AmqpCredentials;
  /** AMQP heartbeat, so a silent broker is noticed even between publishes; default the broker's. */
  readonly heartbeatSeconds?: number;
  /** For amqps:// URLs: PEM CA certificate(s) trusted instead of Node's public roots. */
  readonly caCertPem?: string | undefined;
  /**
   * What `connection.blocked` (a resource alarm) does. `break`, the default:
   * the link breaks, so a publisher fails over at once instead of hanging.
   * `wait`: nothing; publishes wait for their confirm or deadline. For a
   * consumer, whose consuming and acking drain the broker the alarm is about.
   */
  readonly whenBlocked?: 'break' | 'wait';
}

/** A broker that stops answering never acknowledges a close: give up on it after this. */
const CLOSE_TIMEOUT_MS = 1_000;

/**
 * Whether `openLink` (or a caller wrapping it) answered a link rather than a failure.
 *
 * @example const link = await openLink(url, options); if (!isLink(link)) return failed(link);
 */
export function isLink<F extends { readonly kind: string }>(
  opened: AmqpLink | F,
): opened is AmqpLink {
  return 'channel' in opened;
}

/**
 * Connects to `endpoint` (an AMQP URL, with or without credentials) and opens
 * a confirm channel within `timeoutMs` altogether, with the
 * error, close, blocked and return listeners attached before first use.
 * Answers the link or why there is none; never throws.
 *
 * @example
 * const link = await openLink(url, { timeoutMs: 1_000, connectionName: 'warren publisher b1' });
 * if (isLink(link)) link.onBroken((failure) => evict(link, failure));
 */
export async function openLink(
  endpoint: string,
  options: LinkOptions,
): Promise<AmqpLink | LinkFailure> {
  if (!(options.timeoutMs > 0))
    return { kind: 'connect', cause: 'timeout', detail: 'no time left to connect' };
  const started = performance.now();
  let connection: ChannelModel;
  try {
    connection = await connectAmqp(urlOf(endpoint, options), {
      timeoutMs: options.timeoutMs,
      connectionName: options.connectionName,
      ...(options.caCertPem !== undefined && { caCertPem: options.caCertPem }),
    });
  } catch (error) {
    return linkFailureOf(error);
  }
  let broken: LinkFailure | undefined;
  let closing = false;
  const waiting = new Set<(failure: LinkFailure) => void>();
  const handlers: ((failure: LinkFailure) => void)[] = [];
  // A link breaks in several ways at once (channel, then connection): only the first counts.
  const breakOnce = (failure: LinkFailure) => {
    if (broken !== undefined) return;
    broken = failure;
    for (const settle of [...waiting]) settle(failure);
    if (!closing) for (const handler of handlers.splice(0)) handler(failure);
  };
  connection.on('close', () => breakOnce({ kind: 'closed', detail: 'connection closed' }));
  if ((options.whenBlocked ?? 'break') === 'break')
    connection.on('blocked', (reason: string) =>
      breakOnce({ kind: 'blocked', detail: reason || 'resource alarm' }),
    );

  const remainingMs = options.timeoutMs - (performance.now() - started);
  const channel = await withDeadline(
    connection.createConfirmChannel().catch((error: unknown) => toError(error)),
    remainingMs,
  );
  if (channel === 'timeout' || channel instanceof Error) {
    closing = true;
    void closeWithin(connection, undefined);
    if (broken !== undefined) return broken;
    return channel === 'timeout'
      ? {
          kind: 'connect',
          cause: 'timeout',
          detail: `no channel within ${Math.round(options.timeoutMs)} ms`,
        }
      : { kind: 'connect', cause: 'unreachable', detail: `channel: ${channel.message}` };
  }
  if (broken !== undefined) {
    closing = true;
    void closeWithin(connection, channel);
    return broken;
  }
  let wire: ChannelWire;
  try {
    wire = channelWire(connection, channel);
  } catch (error) {
    closing = true;
    void closeWithin(connection, channel);
    return { kind: 'connect', cause: 'unreachable', detail: toError(error).message };
  }
  const window = createConfirmWindow();
  channel.on('error', () => {
    // Surfaced through 'close'; without a listener an error event would crash the process.
  });
  channel.on('close', () => breakOnce({ kind: 'closed', detail: 'channel closed' }));
  channel.on('ack', (fields: ConfirmFields) =>
    window.settle(fields.deliveryTag, fields.multiple, PublishState.Confirmed),
  );
  channel.on('nack', (fields: ConfirmFields) =>
    window.settle(fields.deliveryTag, fields.multiple, PublishState.Nacked),
  );
  channel.on('return', (message: Message) => window.markReturned(returnedOf(message)));

  const core: LinkCore = {
    wire,
    window,
    get broken() {
      return broken;
    },
    waiting,
  };
  let closed: Promise<void> | undefined;
  return {
    connection,
    channel,
    get broken() {
      return broken;
    },
    onBroken(handler) {
      if (broken === undefined) handlers.push(handler);
      else if (!closing) handler(broken);
    },
    publishBatch: (batch, timeoutMs) => publishJsonBatch(core, batch, timeoutMs),
    publishConfirmed: (messages, timeoutMs) => publishConfirmed(core, messages, timeoutMs),
    close() {
      closing = true;
      breakOnce({ kind: 'closed', detail: 'link closed by its owner' });
      closed ??= closeWithin(connection, channel);
      return closed;
    },
  };
}

/**
 * `publishConfirmed` for one message: its outcome.
 *
 * @example if ((await publishOne(link, { exchange: '', routingKey: 'tasks', content, options: { persistent: true } }, 2_000)).ok) …
 */
export async function publishOne(
  link: AmqpLink,
  message: LinkMessage,
  timeoutMs: number,
): Promise<LinkOutcome> {
  const [outcome] = await link.publishConfirmed([message], timeoutMs);
  return outcome ?? failed({ kind: 'closed', detail: 'no outcome' });
}

function urlOf(endpoint: string, options: LinkOptions): string {
  const { credentials, heartbeatSeconds } = options;
  if (credentials === undefined && heartbeatSeconds === undefined) return endpoint;
  const url = new URL(
    credentials ? withCredentials(endpoint, credentials.username, credentials.password) : endpoint,
  );
  if (heartbeatSeconds !== undefined) url.searchParams.set('heartbeat', String(heartbeatSeconds));
  return url.toString();
}

/** Closes the channel first (its close waits for acks queued ahead of it), then the connection. */
async function closeWithin(connection: ChannelModel, channel: ConfirmChannel | undefined) {
  const closing = (async () => {
    await channel?.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
  })();
  if ((await withDeadline(closing, CLOSE_TIMEOUT_MS)) !== 'timeout') return;
  // amqplib's close waits for close-ok forever: destroy the socket underneath,
  // with an error. amqplib stops the connection's heartbeat timers only on the
  // socket's 'error' or 'end'; a bare destroy() emits neither, and the soak saw
  // two timers left per closed link to an alarmed broker (bench/soak.ts).
  socketOf(connection)?.destroy(new Error(`no close-ok within ${CLOSE_TIMEOUT_MS} ms`));
}

/** The socket under an amqplib connection: its `connection.stream`, not in amqplib's types. */
function socketOf(connection: ChannelModel): { destroy(error?: Error): void } | undefined {
  return (connection as unknown as { connection?: { stream?: { destroy(error?: Error): void } } })
    .connection?.stream;
}

/** A `basic.ack` or `basic.nack`'s fields, as amqplib emits them. */
interface ConfirmFields {
  readonly deliveryTag: number;
  readonly multiple: boolean;
}
