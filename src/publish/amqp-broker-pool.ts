import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { withCredentials } from '../core/amqp-endpoint.js';
import { withDeadline } from '../timing/with-deadline.js';
import {
  closeConnection,
  closeQuietly,
  failed,
  isOpen,
  messageOf,
  type OpenLink,
  onBreak,
  openLink,
  publishOnLink,
} from './amqp-link.js';
import type { AttemptFailure, BrokerPool, CredentialsFor, PoolTarget } from './broker-pool.js';

/** One broker's connection, as nats.js models connection status. */
type Link =
  | { readonly state: 'connecting'; readonly ready: Promise<OpenLink | AttemptFailure> }
  | OpenLink;

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
    if (isOpen(first) || first.kind !== 'auth') return first;
    const fresh = await credentialsOf(() => options.credentialsFor(target, credentials));
    if ('kind' in fresh) return fresh;
    if (fresh.username === credentials.username && fresh.password === credentials.password)
      return first;
    return connectLink(target, fresh);
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

async function credentialsOf(
  read: () => Promise<AmqpCredentials>,
): Promise<AmqpCredentials | AttemptFailure> {
  try {
    return await read();
  } catch (error) {
    return { kind: 'credentials', detail: messageOf(error) };
  }
}
