import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { type ConnectAmqpOptions, connectAmqp } from '../amqp/connect-amqp.js';
import { withCredentials } from '../core/amqp-endpoint.js';
import type { AttemptOutcome, BrokerPool, OutgoingMessage, PoolTarget } from './broker-pool.js';
import type { Destination } from './publisher.js';

/** One broker's connection, as nats.js models connection status. */
type Link = { readonly state: 'connecting'; readonly ready: Promise<OpenLink> } | OpenLink;

interface OpenLink {
  readonly state: 'open';
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
  /** RabbitMQ sent `connection.blocked` (a resource alarm): publishing would hang. */
  blocked: string | undefined;
  /** Resolves with the reason when the link breaks (then it is evicted). */
  readonly broken: Promise<string>;
  /** Why it broke, once it has: an attempt that starts afterwards fails at once. */
  brokenBecause: string | undefined;
  /**
   * Attempts in progress, settled when the link breaks. Each removes itself
   * when done, so a healthy link holds on to no finished attempt.
   */
  readonly waiting: Set<(why: string) => void>;
  /** Message ids the broker returned as unroutable, awaiting their confirm. */
  readonly returned: Set<string>;
}

export interface AmqpBrokerPoolOptions {
  /** Asked at each new connection, so a rotated secret is picked up when a link is re-opened. */
  readonly credentialsFor: (target: PoolTarget) => Promise<AmqpCredentials>;
  /** Connect plus handshake plus channel, for a broker not yet connected. */
  readonly connectTimeoutMs?: number;
  /** AMQP heartbeat, so a silent broker is noticed even between publishes. */
  readonly heartbeatSeconds?: number;
  /** PEM CA certificate(s) amqps:// brokers' certificates must chain to, instead of Node's public roots. */
  readonly caCertPem?: string;
}

/**
 * The broker pool over amqplib: one connection with a confirm channel per
 * broker, opened lazily, reused while it works, and evicted exactly once when
 * it breaks (error, close, blocked, confirm timeout); the next use reconnects.
 * Every confirm races the attempt's deadline and the link breaking, since a
 * dead broker can leave a confirm pending forever.
 *
 * @example const pool = createAmqpBrokerPool({ credentialsFor: () => credentials.get() });
 */
export function createAmqpBrokerPool(options: AmqpBrokerPoolOptions): BrokerPool {
  const links = new Map<string, Link>();
  const connectTimeoutMs = options.connectTimeoutMs ?? 1_000;

  const evict = (id: string, link: Link) => {
    if (links.get(id) !== link) return; // already evicted (a link breaks in several ways at once)
    links.delete(id);
    if (link.state === 'open') void link.connection.close().catch(() => undefined);
  };

  const open = async (target: PoolTarget, timeoutMs: number): Promise<OpenLink> => {
    const existing = links.get(target.id);
    if (existing?.state === 'open') return existing;
    if (existing?.state === 'connecting') return existing.ready;
    const ready = options.credentialsFor(target).then(({ username, password }) => {
      const url = new URL(withCredentials(target.endpoint, username, password));
      url.searchParams.set('heartbeat', String(options.heartbeatSeconds ?? 5));
      return connect(url.toString(), target.id, {
        timeoutMs: Math.min(timeoutMs, connectTimeoutMs),
        ...(options.caCertPem !== undefined && { caCertPem: options.caCertPem }),
      });
    });
    const connecting: Link = { state: 'connecting', ready };
    links.set(target.id, connecting);
    try {
      const link = await ready;
      if (links.get(target.id) === connecting) links.set(target.id, link);
      void link.broken.then(() => evict(target.id, link));
      return link;
    } catch (error) {
      if (links.get(target.id) === connecting) links.delete(target.id);
      throw error;
    }
  };

  return {
    async publish(target, destination, messages, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let link: OpenLink;
      try {
        link = await open(target, timeoutMs);
      } catch (error) {
        return messages.map(() => ({ ok: false, reason: `connect: ${(error as Error).message}` }));
      }
      if (link.blocked !== undefined) {
        return messages.map(() => ({ ok: false, reason: `broker blocked: ${link.blocked}` }));
      }
      const outcomes = await publishOnLink(link, destination, messages, deadline - Date.now());
      // A confirm that never came means a broker we cannot trust: reconnect next time.
      if (outcomes.some((outcome) => !outcome.ok && outcome.reason.startsWith('no confirm'))) {
        evict(target.id, link);
      }
      return outcomes;
    },
    async close() {
      const all = [...links.entries()];
      links.clear();
      await Promise.all(
        all.map(async ([, link]) => {
          const open = link.state === 'open' ? link : await link.ready.catch(() => undefined);
          await open?.connection.close().catch(() => undefined);
        }),
      );
    },
  };
}

async function connect(
  url: string,
  id: string,
  options: Pick<ConnectAmqpOptions, 'timeoutMs' | 'caCertPem'>,
): Promise<OpenLink> {
  const connection = await connectAmqp(url, {
    ...options,
    connectionName: `warren publisher ${id}`,
  });
  let link: OpenLink | undefined;
  let resolveBroken: (why: string) => void = () => undefined;
  const broken = new Promise<string>((resolve) => {
    resolveBroken = resolve;
  });
  const breakLink = (why: string) => {
    if (!link || link.brokenBecause !== undefined) return resolveBroken(why);
    link.brokenBecause = why;
    for (const settle of [...link.waiting]) settle(why);
    resolveBroken(why);
  };
  connection.on('close', () => breakLink('connection closed'));
  try {
    const channel = await connection.createConfirmChannel();
    link = {
      state: 'open',
      connection,
      channel,
      blocked: undefined,
      broken,
      brokenBecause: undefined,
      waiting: new Set(),
      returned: new Set(),
    };
    channel.on('error', () => undefined);
    channel.on('close', () => breakLink('channel closed'));
    const open = link;
    channel.on('return', (message: Message) => {
      const { messageId } = message.properties as { messageId?: string };
      if (messageId) open.returned.add(messageId);
    });
    connection.on('blocked', (reason: string) => {
      open.blocked = reason || 'resource alarm';
      breakLink(`blocked: ${open.blocked}`);
    });
    return open;
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
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
    const finish = (fallback: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      link.waiting.delete(finish);
      resolve(outcomes.map((outcome) => outcome ?? { ok: false, reason: fallback }));
    };
    const settle = (index: number, outcome: AttemptOutcome) => {
      if (outcomes[index] !== undefined) return;
      outcomes[index] = outcome;
      pending -= 1;
      if (pending === 0) finish('unreachable');
    };
    const timer = setTimeout(
      () => finish(`no confirm within ${Math.round(timeoutMs)} ms`),
      Math.max(0, timeoutMs),
    );
    if (link.brokenBecause !== undefined) return finish(link.brokenBecause);
    link.waiting.add(finish);
    messages.forEach((message, index) => {
      if (done) return;
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
            if (error) return settle(index, { ok: false, reason: 'nacked by the broker' });
            // RabbitMQ returns an unroutable mandatory message, then confirms it.
            if (link.returned.delete(message.id))
              return settle(index, { ok: false, reason: 'unroutable' });
            settle(index, { ok: true });
          },
        );
      } catch (error) {
        settle(index, { ok: false, reason: `publish: ${(error as Error).message}` });
      }
    });
  });
}

function hasHeaders(message: OutgoingMessage): boolean {
  for (const _ in message.headers) return true;
  return false;
}
