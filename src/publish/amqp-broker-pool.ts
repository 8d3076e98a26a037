import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { AmqpConnectError, connectAmqp } from '../amqp/connect-amqp.js';
import { withCredentials } from '../core/amqp-endpoint.js';
import { withDeadline } from '../timing/with-deadline.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  BrokerPool,
  CredentialsFor,
  OutgoingMessage,
  PoolTarget,
} from './broker-pool.js';
import type { Destination } from './publisher.js';

/** One broker's connection, as nats.js models connection status. */
type Link =
  | { readonly state: 'connecting'; readonly ready: Promise<OpenLink | AttemptFailure> }
  | OpenLink;

interface OpenLink {
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

export interface AmqpBrokerPoolOptions {
  /**
   * Asked at each new connection, and again with `refused` set after a broker
   * refused the login (the secret may have rotated): the pool then retries once.
   */
  readonly credentialsFor: CredentialsFor;
  /** Connect, handshake and channel open together, for a broker not yet connected. */
  readonly connectTimeoutMs?: number;
  /** AMQP heartbeat, so a silent broker is noticed even between publishes. */
  readonly heartbeatSeconds?: number;
  /** PEM CA certificate(s) amqps:// brokers' certificates must chain to, instead of Node's public roots. */
  readonly caCertPem?: string;
}

/** A broker that stops answering never acknowledges connection.close: give up on it after this. */
const CLOSE_TIMEOUT_MS = 1_000;

/**
 * The broker pool over amqplib: one connection with a confirm channel per
 * broker, opened lazily, reused while it works, and evicted exactly once when
 * it breaks (error, close, blocked) or is discarded; the next use reconnects.
 * Every step is bounded: connect and channel open by `connectTimeoutMs`, an
 * attempt by its `timeoutMs`, each confirm raced against the deadline and the
 * link breaking, since a dead broker can leave a confirm pending forever.
 *
 * @example const pool = createAmqpBrokerPool({ credentialsFor: (_target, refused) => refused ? credentials.refresh(refused) : credentials.get() });
 */
export function createAmqpBrokerPool(options: AmqpBrokerPoolOptions): BrokerPool {
  const links = new Map<string, Link>();
  const connectTimeoutMs = options.connectTimeoutMs ?? 1_000;
  let closed = false;

  const evict = (id: string, link: OpenLink) => {
    if (links.get(id) !== link) return; // already evicted (a link breaks in several ways at once)
    links.delete(id);
    closeQuietly(link.connection);
  };

  const connectLink = (target: PoolTarget, credentials: AmqpCredentials) => {
    const url = new URL(
      withCredentials(target.endpoint, credentials.username, credentials.password),
    );
    url.searchParams.set('heartbeat', String(options.heartbeatSeconds ?? 5));
    return openLink(url.toString(), target.id, {
      timeoutMs: connectTimeoutMs,
      ...(options.caCertPem !== undefined && { caCertPem: options.caCertPem }),
    });
  };

  const connectWithCredentials = async (target: PoolTarget): Promise<OpenLink | AttemptFailure> => {
    const credentials = await credentialsOf(() => options.credentialsFor(target));
    if ('kind' in credentials) return credentials;
    const first = await connectLink(target, credentials);
    if (first.state === 'open' || first.failure.kind !== 'auth') return linkOrFailure(first);
    const fresh = await credentialsOf(() => options.credentialsFor(target, credentials));
    if ('kind' in fresh) return fresh;
    if (fresh.username === credentials.username && fresh.password === credentials.password)
      return first.failure;
    return linkOrFailure(await connectLink(target, fresh));
  };

  const startConnecting = (target: PoolTarget) => {
    const ready = connectWithCredentials(target);
    const connecting: Link = { state: 'connecting', ready };
    links.set(target.id, connecting);
    void ready.then((link) => {
      const current = links.get(target.id) === connecting;
      if (!isOpen(link)) {
        if (current) links.delete(target.id);
        return;
      }
      // Closed or replaced while connecting: nobody will use this connection.
      if (closed || !current) return closeQuietly(link.connection);
      links.set(target.id, link);
      onBreak(link, () => evict(target.id, link));
    });
    return ready;
  };

  const open = async (
    target: PoolTarget,
    timeoutMs: number,
  ): Promise<OpenLink | AttemptFailure> => {
    const existing = links.get(target.id);
    if (existing?.state === 'open') return existing;
    const ready = existing?.state === 'connecting' ? existing.ready : startConnecting(target);
    // The connect goes on for other callers; this one waits only as long as its own budget.
    const link = await withDeadline(ready, timeoutMs);
    return link === 'timeout'
      ? { kind: 'connect', detail: `no connection within ${Math.round(timeoutMs)} ms` }
      : link;
  };

  return {
    async publish(target, destination, messages, timeoutMs) {
      // Never write what cannot be confirmed in time: it would be stored, reported failed, and sent again.
      if (!(timeoutMs > 0)) return messages.map(() => failed({ kind: 'timeout', afterMs: 0 }));
      const deadline = performance.now() + timeoutMs;
      const link = await open(target, timeoutMs);
      if (!isOpen(link)) return messages.map(() => failed(link));
      const remainingMs = deadline - performance.now();
      if (remainingMs <= 0)
        return messages.map(() => failed({ kind: 'timeout', afterMs: timeoutMs }));
      return publishOnLink(link, destination, messages, remainingMs);
    },
    discard(id) {
      const link = links.get(id);
      if (link?.state === 'open') evict(id, link);
    },
    async close() {
      closed = true;
      const all = [...links.values()];
      links.clear();
      await Promise.all(
        all.map(async (link) => {
          const open = link.state === 'open' ? link : await link.ready;
          if (isOpen(open)) await closeConnection(open.connection);
        }),
      );
    },
  };
}

function isOpen(link: OpenLink | AttemptFailure): link is OpenLink {
  return 'state' in link;
}

type Opened = OpenLink | { readonly state: 'failed'; readonly failure: AttemptFailure };

function linkOrFailure(opened: Opened): OpenLink | AttemptFailure {
  return opened.state === 'open' ? opened : opened.failure;
}

async function credentialsOf(
  read: () => Promise<AmqpCredentials>,
): Promise<AmqpCredentials | AttemptFailure> {
  try {
    return await read();
  } catch (error) {
    return { kind: 'credentials', detail: messageOf(error) };
  }
}

function onBreak(link: OpenLink, handler: () => void): void {
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
async function openLink(
  url: string,
  id: string,
  options: { readonly timeoutMs: number; readonly caCertPem?: string },
): Promise<Opened> {
  const started = performance.now();
  let connection: ChannelModel;
  try {
    connection = await connectAmqp(url, { ...options, connectionName: `warren publisher ${id}` });
  } catch (error) {
    const auth = error instanceof AmqpConnectError && error.kind === 'auth';
    return {
      state: 'failed',
      failure: { kind: auth ? 'auth' : 'connect', detail: messageOf(error) },
    };
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
    return { state: 'failed', failure: early ?? { kind: 'connect', detail } };
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
function publishOnLink(
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

function failed(failure: AttemptFailure): AttemptOutcome {
  return { ok: false, failure };
}

function hasHeaders(message: OutgoingMessage): boolean {
  for (const _ in message.headers) return true;
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Closes in the background; a broker that does not answer the close has its socket destroyed. */
function closeQuietly(connection: ChannelModel): void {
  void closeConnection(connection);
}

async function closeConnection(connection: ChannelModel): Promise<void> {
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
