import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { AmqpConnectError, connectAmqp } from '../amqp/connect-amqp.js';
import { withDeadline } from '../timing/with-deadline.js';
import type { AttemptFailure, AttemptOutcome, OutgoingMessage } from './broker-pool.js';
import type { Destination } from './publisher.js';

/**
 * One broker's open connection and confirm channel, as the pool keeps it:
 * opened with every listener attached before first use, broken exactly once
 * (close, blocked), publishing with confirms raced against a deadline and the
 * link breaking, and returns matched to their own publish.
 */
export interface OpenLink {
  readonly state: 'open';
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
  /** Why it broke, once it has: an attempt that starts afterwards fails at once. */
  broken: AttemptFailure | undefined;
  /**
   * Attempts in progress, settled when the link breaks. Each removes itself
   * when done, so a healthy link holds on to no finished attempt.
   */
  readonly waiting: Set<(failure: AttemptFailure) => void>;
  /**
   * Publishes awaiting their confirm, by message id. RabbitMQ sends a
   * mandatory message's `basic.return` before its confirm, in publish order,
   * so a return belongs to the first such publish of that id to that exchange
   * and routing key: the same id sent at once to two destinations is told apart.
   */
  readonly unconfirmed: Map<string, InFlight[]>;
  /** Run once when the link breaks: the pool evicts it. */
  onBroken: (() => void) | undefined;
}

interface InFlight {
  readonly exchange: string;
  readonly routingKey: string;
  returned: boolean;
}

/** A broker that stops answering never acknowledges connection.close: give up on it after this. */
const CLOSE_TIMEOUT_MS = 1_000;

export function isOpen(link: OpenLink | AttemptFailure): link is OpenLink {
  return 'state' in link;
}

export function onBreak(link: OpenLink, handler: () => void): void {
  if (link.broken !== undefined) handler();
  else link.onBroken = handler;
}

function breakLink(link: OpenLink, failure: AttemptFailure): void {
  if (link.broken !== undefined) return;
  link.broken = failure;
  for (const settle of [...link.waiting]) settle(failure);
  link.onBroken?.();
}

/**
 * Connects and opens a confirm channel within `timeoutMs` altogether, with
 * every listener attached before the first use. Never throws.
 */
export async function openLink(
  url: string,
  id: string,
  options: { readonly timeoutMs: number; readonly caCertPem?: string },
): Promise<OpenLink | AttemptFailure> {
  const started = performance.now();
  let connection: ChannelModel;
  try {
    connection = await connectAmqp(url, { ...options, connectionName: `warren publisher ${id}` });
  } catch (error) {
    const auth = error instanceof AmqpConnectError && error.kind === 'auth';
    return { kind: auth ? 'auth' : 'connect', detail: messageOf(error) };
  }
  // Until the link exists, what happens to the connection is remembered here.
  let early: AttemptFailure | undefined;
  let link: OpenLink | undefined;
  const fail = (failure: AttemptFailure) => {
    if (link) breakLink(link, failure);
    else early ??= failure;
  };
  connection.on('close', () => fail({ kind: 'closed', detail: 'connection closed' }));
  connection.on('blocked', (reason: string) =>
    fail({ kind: 'blocked', detail: reason || 'resource alarm' }),
  );
  const remainingMs = options.timeoutMs - (performance.now() - started);
  const channel = await withDeadline(
    connection.createConfirmChannel().catch((error: unknown) => error as Error),
    remainingMs,
  );
  if (channel === 'timeout' || channel instanceof Error || early !== undefined) {
    closeQuietly(connection);
    const detail =
      channel === 'timeout'
        ? `no channel within ${Math.round(options.timeoutMs)} ms`
        : channel instanceof Error
          ? `channel: ${channel.message}`
          : 'closed while opening';
    return early ?? { kind: 'connect', detail };
  }
  const opened: OpenLink = {
    state: 'open',
    connection,
    channel,
    broken: undefined,
    waiting: new Set(),
    unconfirmed: new Map(),
    onBroken: undefined,
  };
  link = opened;
  channel.on('error', () => undefined);
  channel.on('close', () => breakLink(opened, { kind: 'closed', detail: 'channel closed' }));
  channel.on('return', (message: Message) => markReturned(opened, message));
  return opened;
}

function markReturned(link: OpenLink, message: Message): void {
  const { messageId } = message.properties as { messageId?: unknown };
  if (typeof messageId !== 'string') return;
  const { exchange, routingKey } = message.fields;
  const entry = link.unconfirmed
    .get(messageId)
    ?.find((e) => !e.returned && e.exchange === exchange && e.routingKey === routingKey);
  if (entry) entry.returned = true;
}

function track(link: OpenLink, id: string, entry: InFlight): void {
  const list = link.unconfirmed.get(id);
  if (list) list.push(entry);
  else link.unconfirmed.set(id, [entry]);
}

function untrack(link: OpenLink, id: string, entry: InFlight): void {
  const list = link.unconfirmed.get(id);
  if (!list) return;
  const index = list.indexOf(entry);
  if (index >= 0) list.splice(index, 1);
  if (list.length === 0) link.unconfirmed.delete(id);
}

/** Pipelines the batch on the channel, then waits for every confirm, the deadline, or the link breaking. */
export function publishOnLink(
  link: OpenLink,
  destination: Destination,
  messages: readonly OutgoingMessage[],
  timeoutMs: number,
): Promise<AttemptOutcome[]> {
  const [exchange, routingKey] =
    destination.kind === 'queue'
      ? ['', destination.queue]
      : [destination.exchange, destination.routingKey];
  return new Promise((resolve) => {
    const outcomes: (AttemptOutcome | undefined)[] = messages.map(() => undefined);
    let pending = messages.length;
    let done = false;
    const finish = (fallback: AttemptFailure) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      link.waiting.delete(finish);
      resolve(outcomes.map((outcome) => outcome ?? failed(fallback)));
    };
    const settle = (index: number, outcome: AttemptOutcome) => {
      if (outcomes[index] !== undefined) return;
      outcomes[index] = outcome;
      pending -= 1;
      if (pending === 0) finish({ kind: 'closed', detail: 'unreachable' });
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', afterMs: timeoutMs }), timeoutMs);
    if (link.broken !== undefined) return finish(link.broken);
    link.waiting.add(finish);
    messages.forEach((message, index) => {
      if (done) return;
      const entry: InFlight = { exchange, routingKey, returned: false };
      track(link, message.id, entry);
      try {
        link.channel.publish(
          exchange,
          routingKey,
          message.content,
          {
            persistent: true,
            mandatory: true,
            messageId: message.id,
            timestamp: message.timestampSeconds,
            contentType: 'application/json',
            // Encoding an empty header table still costs time on every message.
            ...(hasHeaders(message) && { headers: message.headers }),
          },
          (error) => {
            untrack(link, message.id, entry);
            if (error) return settle(index, failed({ kind: 'nack' }));
            // RabbitMQ returns an unroutable mandatory message, then confirms it.
            settle(index, entry.returned ? failed({ kind: 'unroutable' }) : { ok: true });
          },
        );
      } catch (error) {
        untrack(link, message.id, entry);
        settle(index, failed({ kind: 'closed', detail: `publish: ${messageOf(error)}` }));
      }
    });
  });
}

export function failed(failure: AttemptFailure): AttemptOutcome {
  return { ok: false, failure };
}

function hasHeaders(message: OutgoingMessage): boolean {
  for (const _ in message.headers) return true;
  return false;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Closes in the background; a broker that does not answer the close has its socket destroyed. */
export function closeQuietly(connection: ChannelModel): void {
  void closeConnection(connection);
}

export async function closeConnection(connection: ChannelModel): Promise<void> {
  const result = await withDeadline(
    connection.close().catch(() => undefined),
    CLOSE_TIMEOUT_MS,
  );
  if (result === 'timeout') {
    // amqplib's close waits for close-ok forever; the socket underneath is its `connection.stream`.
    const { stream } =
      (connection as unknown as { connection?: { stream?: { destroy(): void } } }).connection ?? {};
    stream?.destroy();
  }
}
