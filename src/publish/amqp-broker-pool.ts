import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { type AmqpLink, isLink, openLink } from '../amqp/amqp-link.js';
import { failed, type JsonBatch } from '../amqp/publish-confirmed.js';
import { withDeadline } from '../timing/with-deadline.js';
import type {
  AttemptFailure,
  BrokerPool,
  CredentialsFor,
  OutgoingMessage,
  PoolTarget,
} from './broker-pool.js';
import type { Destination } from './publisher.js';

/** One broker's connection, as nats.js models connection status. */
type Slot =
  | { readonly state: 'connecting'; readonly ready: Promise<AmqpLink | AttemptFailure> }
  | { readonly state: 'open'; readonly link: AmqpLink };

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

/** The pool's AMQP heartbeat unless told otherwise: a silent broker is noticed within about 10 s. */
export const PUBLISHER_HEARTBEAT_SECONDS = 5;

/** The pool's deadline for connect, handshake and channel open unless told otherwise. */
export const PUBLISHER_CONNECT_TIMEOUT_MS = 1_000;

/**
 * The broker pool over amqplib: one link (connection and confirm channel, see
 * `openLink`) per broker, opened lazily, reused while it works, and evicted
 * exactly once when it breaks (error, close, blocked) or is discarded; the
 * next use reconnects. Every step is bounded: connect and channel open by
 * `connectTimeoutMs`, an attempt by its `timeoutMs`.
 *
 * @example const pool = createAmqpBrokerPool({ credentialsFor: (_target, refused) => refused ? credentials.refresh(refused) : credentials.get() });
 */
export function createAmqpBrokerPool(options: AmqpBrokerPoolOptions): BrokerPool {
  const slots = new Map<string, Slot>();
  const connectTimeoutMs = options.connectTimeoutMs ?? PUBLISHER_CONNECT_TIMEOUT_MS;
  let closed = false;

  const evict = (id: string, link: AmqpLink) => {
    const slot = slots.get(id);
    if (slot?.state !== 'open' || slot.link !== link) return; // already evicted
    slots.delete(id);
    void link.close();
  };

  const connectLink = (target: PoolTarget, credentials: AmqpCredentials) =>
    openLink(target.endpoint, {
      timeoutMs: connectTimeoutMs,
      connectionName: `warren publisher ${target.id}`,
      credentials,
      heartbeatSeconds: options.heartbeatSeconds ?? PUBLISHER_HEARTBEAT_SECONDS,
      caCertPem: options.caCertPem,
    });

  const connectWithCredentials = async (target: PoolTarget): Promise<AmqpLink | AttemptFailure> => {
    const credentials = await credentialsOf(() => options.credentialsFor(target));
    if ('kind' in credentials) return credentials;
    const first = await connectLink(target, credentials);
    if (isLink(first) || first.kind !== 'auth') return first;
    const fresh = await credentialsOf(() => options.credentialsFor(target, credentials));
    if ('kind' in fresh) return fresh;
    if (fresh.username === credentials.username && fresh.password === credentials.password)
      return first;
    return connectLink(target, fresh);
  };

  const startConnecting = (target: PoolTarget) => {
    const ready = connectWithCredentials(target);
    const connecting: Slot = { state: 'connecting', ready };
    slots.set(target.id, connecting);
    void ready.then((link) => {
      const current = slots.get(target.id) === connecting;
      if (!isLink(link)) {
        if (current) slots.delete(target.id);
        return;
      }
      // Closed or replaced while connecting: nobody will use this connection.
      if (closed || !current) return void link.close();
      slots.set(target.id, { state: 'open', link });
      link.onBroken(() => evict(target.id, link));
    });
    return ready;
  };

  const open = async (
    target: PoolTarget,
    timeoutMs: number,
  ): Promise<AmqpLink | AttemptFailure> => {
    const existing = slots.get(target.id);
    if (existing?.state === 'open') return existing.link;
    const ready = existing?.state === 'connecting' ? existing.ready : startConnecting(target);
    // The connect goes on for other callers; this one waits only as long as its own budget.
    const link = await withDeadline(ready, timeoutMs);
    return link === 'timeout'
      ? {
          kind: 'connect',
          cause: 'timeout',
          detail: `no connection within ${Math.round(timeoutMs)} ms`,
        }
      : link;
  };

  return {
    async publish(target, destination, messages, timeoutMs) {
      // Never connect for what cannot be confirmed in time.
      if (!(timeoutMs > 0)) return messages.map(() => failed({ kind: 'timeout', afterMs: 0 }));
      const deadline = performance.now() + timeoutMs;
      const link = await open(target, timeoutMs);
      if (!isLink(link)) return messages.map(() => failed(link));
      const remainingMs = deadline - performance.now();
      if (remainingMs <= 0)
        return messages.map(() => failed({ kind: 'timeout', afterMs: timeoutMs }));
      return link.publishBatch(batchOf(destination, messages), remainingMs);
    },
    discard(id) {
      const slot = slots.get(id);
      if (slot?.state === 'open') evict(id, slot.link);
    },
    async close() {
      closed = true;
      const all = [...slots.values()];
      slots.clear();
      await Promise.all(
        all.map(async (slot) => {
          const link = slot.state === 'open' ? slot.link : await slot.ready;
          if (isLink(link)) await link.close();
        }),
      );
    },
  };
}

/** Every message persistent and mandatory, as JSON, with its id and timestamp (publish-frames.ts). */
function batchOf(destination: Destination, messages: readonly OutgoingMessage[]): JsonBatch {
  return destination.kind === 'queue'
    ? { exchange: '', routingKey: destination.queue, messages }
    : { exchange: destination.exchange, routingKey: destination.routingKey, messages };
}

async function credentialsOf(
  read: () => Promise<AmqpCredentials>,
): Promise<AmqpCredentials | AttemptFailure> {
  try {
    return await read();
  } catch (error) {
    return { kind: 'credentials', detail: error instanceof Error ? error.message : String(error) };
  }
}
