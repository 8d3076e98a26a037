import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import type { BrokerNode } from '../core/broker-node.js';
import type { HealthRegistry } from '../registry/health-registry.js';
import type { Topology } from '../topology/topology.js';
import { type Attachment, attach } from './broker-attachment.js';
import type { ConsumedMessage } from './consumed-message.js';
import type { ConsumerEvent } from './consumer-event.js';
import { deadLetterTargetOf } from './dead-letter-target.js';
import {
  type ConsumerStats,
  createMessageProcessor,
  type DedupeOptions,
} from './message-processor.js';
import { QueueNotFoundError } from './queue-not-found-error.js';

export type { ConsumerEvent } from './consumer-event.js';
export type { ConsumerStats, DedupeOptions } from './message-processor.js';

/** Where one broker's attachment is, in the manner of nats.js connection status. */
export type AttachmentState =
  | { readonly state: 'connecting' }
  | { readonly state: 'consuming'; readonly since: number }
  | {
      readonly state: 'backoff';
      readonly attempt: number;
      readonly retryAt: number;
      readonly reason: string;
    };

export interface ConsumerOptions {
  readonly registry: Pick<HealthRegistry, 'listNodes'>;
  readonly queue: string;
  /**
   * The topology the brokers carry: `queue` must be declared in it with an
   * `x-dead-letter-exchange`, where messages over the redelivery limit and
   * messages that cannot be decoded go (with an `x-warren-dead-letter-reason` header).
   */
  readonly topology: Topology;
  /**
   * Resolve to ack; throw to have the message retried (up to `redeliveryLimit`),
   * then dead-lettered; resolve `'hold'` to leave it unacknowledged until the
   * consumer stops, when RabbitMQ puts it back (for browsing tools).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a plain `async (m) => { … }` handler must fit.
  readonly handler: (message: ConsumedMessage) => Promise<void | 'hold'>;
  readonly credentialsFor: (node: BrokerNode) => Promise<AmqpCredentials>;
  /** PEM CA certificate(s) amqps:// brokers' certificates must chain to, instead of Node's public roots. */
  readonly caCertPem?: string;
  /** Unacked messages per broker. Default 10. */
  readonly prefetch?: number;
  /** Default 5. */
  readonly redeliveryLimit?: number;
  /** Registry re-read period, ±20 % jitter. Default 10 000 ms. */
  readonly reconcileIntervalMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly onEvent?: (event: ConsumerEvent) => void;
  readonly random?: () => number;
  /**
   * Process each `messageId` effectively once, across brokers and consumers:
   * the copies of a replicated message, and duplicates from publish retries.
   * Without it a replicated message is processed once per copy, and each
   * such delivery emits `replicated-without-dedupe`.
   */
  readonly dedupe?: DedupeOptions;
}

export interface Consumer {
  /** Each broker this consumer is attached to or trying to reach. */
  status(): ReadonlyMap<string, AttachmentState>;
  /** Counters since it started: duplicates skipped, replicated messages without de-duplication, dedupe store failures. */
  stats(): ConsumerStats;
  /** Stops taking messages, finishes in-flight handlers, closes every connection. */
  stop(): Promise<void>;
}

interface Slot {
  node: BrokerNode;
  state: AttachmentState;
  attachment?: Attachment;
  timer?: NodeJS.Timeout;
  /** The connect in progress, so stopping can wait for it. */
  connecting?: Promise<void>;
  failures: number;
}

/**
 * Consumes `queue` from every broker the registry lists and has not retired,
 * including draining, degraded and unhealthy ones (a draining broker must still
 * be emptied; an unhealthy one may still answer). Re-reads the registry
 * periodically and whenever a connection is lost; reconnects each broker with
 * capped exponential back-off and full jitter, so a returning broker is not
 * stormed. A broker without the queue emits `queue-missing` and is retried the same way.
 *
 * Throws QueueNotInTopologyError when the topology does not declare `queue`,
 * NoDeadLetterExchangeError when it gives the queue nowhere to dead-letter,
 * RangeError for a dedupe lease or retention that is not a positive number of ms.
 *
 * @example
 * const consumer = createConsumer({ registry, queue: 'tasks', topology: defaultTopology, credentialsFor: async () => creds, handler: async (m) => work(m.body) });
 * process.on('SIGTERM', () => void consumer.stop());
 */
export function createConsumer(options: ConsumerOptions): Consumer {
  const deadLetter = deadLetterTargetOf(options.topology, options.queue);
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const reconcileMs = options.reconcileIntervalMs ?? 10_000;
  const emit = options.onEvent ?? (() => undefined);
  const slots = new Map<string, Slot>();
  let stopped = false;
  let reconcileTimer: NodeJS.Timeout | undefined;
  let reconciling: Promise<void> = Promise.resolve();

  const processor = createMessageProcessor({
    queue: options.queue,
    handler: options.handler,
    ...(options.dedupe !== undefined && { dedupe: options.dedupe }),
    emit,
  });

  const connect = async (slot: Slot) => {
    slot.state = { state: 'connecting' };
    try {
      const credentials = await options.credentialsFor(slot.node);
      const attachment = await attach({
        node: slot.node,
        queue: options.queue,
        deadLetter,
        credentials,
        prefetch: options.prefetch ?? 10,
        redeliveryLimit: options.redeliveryLimit ?? 5,
        connectTimeoutMs: 2_000,
        ...(options.caCertPem !== undefined && { caCertPem: options.caCertPem }),
        handle: (message) => processor.handle(message),
        onLost: (reason) => {
          slot.attachment = undefined;
          emit({ type: 'lost', node: slot.node.id, reason });
          retry(slot, reason);
          scheduleReconcile(0);
        },
        onDeadLetter: ({ failure, ...report }) =>
          emit(
            failure === undefined
              ? { type: 'dead-lettered', node: slot.node.id, ...report }
              : { type: 'dead-letter-failed', node: slot.node.id, ...report, failure },
          ),
      });
      if (stopped || slots.get(slot.node.id) !== slot) {
        await attachment.detach();
        return;
      }
      slot.attachment = attachment;
      slot.failures = 0;
      slot.state = { state: 'consuming', since: Date.now() };
      emit({ type: 'attached', node: slot.node.id });
    } catch (error) {
      if (error instanceof QueueNotFoundError)
        emit({ type: 'queue-missing', node: slot.node.id, queue: options.queue });
      retry(slot, (error as Error).message);
    }
  };

  const retry = (slot: Slot, reason: string) => {
    if (stopped || slots.get(slot.node.id) !== slot) return;
    slot.failures += 1;
    const ceiling = Math.min(backoff.initialMs * 2 ** (slot.failures - 1), backoff.maxMs);
    const delayMs = Math.round(ceiling * (0.5 + random() / 2));
    slot.state = {
      state: 'backoff',
      attempt: slot.failures,
      retryAt: Date.now() + delayMs,
      reason,
    };
    emit({ type: 'retrying', node: slot.node.id, delayMs, reason });
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      slot.connecting = connect(slot);
    }, delayMs);
  };

  const release = async (slot: Slot) => {
    clearTimeout(slot.timer);
    await slot.connecting; // a connect that finishes now detaches itself
    const attachment = slot.attachment;
    slot.attachment = undefined;
    await attachment?.detach();
    emit({ type: 'detached', node: slot.node.id });
  };

  const reconcile = async () => {
    let nodes: readonly BrokerNode[];
    try {
      ({ nodes } = await options.registry.listNodes());
    } catch {
      return; // keep what we have; the next round tries again
    }
    if (stopped) return;
    const wanted = new Map(
      nodes.filter((node) => node.admin.state !== 'retired').map((node) => [node.id, node]),
    );
    for (const [id, slot] of slots) {
      const node = wanted.get(id);
      if (node && node.endpoint === slot.node.endpoint) continue;
      slots.delete(id);
      await release(slot);
    }
    for (const [id, node] of wanted) {
      if (slots.has(id)) continue;
      const slot: Slot = { node, state: { state: 'connecting' }, failures: 0 };
      slots.set(id, slot);
      slot.connecting = connect(slot);
    }
  };

  const scheduleReconcile = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(reconcileTimer);
    reconcileTimer = setTimeout(() => {
      reconciling = reconciling
        .then(reconcile)
        .finally(() => scheduleReconcile(reconcileMs * (0.8 + random() * 0.4)));
    }, delayMs);
  };
  scheduleReconcile(0);

  return {
    status: () => new Map([...slots].map(([id, slot]) => [id, slot.state])),
    stats: () => processor.stats(),
    async stop() {
      stopped = true;
      clearTimeout(reconcileTimer);
      await reconciling;
      await Promise.all([...slots.values()].map(release));
      slots.clear();
    },
  };
}
