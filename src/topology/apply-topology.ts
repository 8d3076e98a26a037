import type { ChannelModel } from 'amqplib';
import { declarationOrder } from './declaration-order.js';
import type { QueueDefinition, Topology } from './topology.js';

/** A broker refused a declaration, typically because an existing queue has other arguments. */
export class TopologyConflictError extends Error {
  readonly object: string;
  constructor(object: string, cause: unknown) {
    super(`cannot declare ${object}: ${(cause as Error).message}`, { cause });
    this.name = 'TopologyConflictError';
    this.object = object;
  }
}

/** A queue the broker holds as another type than the topology declares. */
export interface QueueTypeChange {
  readonly queue: string;
  /** The type the broker holds it as. */
  readonly from: string;
  /** The type the topology declares. */
  readonly to: string;
}

/** A queue left as the type the broker holds, because it still has messages or consumers. */
export interface KeptQueue extends QueueTypeChange {
  readonly messages: number;
  readonly consumers: number;
}

export interface TopologySummary {
  readonly exchanges: number;
  readonly queues: number;
  readonly bindings: number;
  /** Empty, unused classic queues the topology declares as another type: deleted and declared anew. */
  readonly converted: readonly QueueTypeChange[];
  /** Queues of another type that still hold messages or consumers: left as they are, and used as they are. */
  readonly kept: readonly KeptQueue[];
}

/**
 * Declares every exchange, queue and binding of `topology` on one broker, in
 * `declarationOrder`: the probe queue last, so a broker that came back empty
 * cannot pass a probe before the rest of its topology exists. Idempotent:
 * redeclaring what exists is a no-op, so it runs on every broker (re)start.
 * Run it before a broker becomes eligible, never on the publish path.
 *
 * RabbitMQ never changes a queue's type, so a topology that changes it (the
 * default topology's queues became quorum queues) meets brokers holding the
 * old type. An empty classic queue with no consumer is deleted (`if-empty`,
 * `if-unused`: the broker refuses if a message or a consumer arrived
 * meanwhile) and declared as the topology says; one that is still in use is
 * kept as it is, its other arguments checked, and reported, so a broker full
 * of messages stays usable and converts at a later start once drained. A
 * queue with other arguments than the topology's still fails.
 *
 * @example await applyTopology(connection, defaultTopology);
 */
export async function applyTopology(
  connection: ChannelModel,
  topology: Topology,
): Promise<TopologySummary> {
  const openChannel = async () => {
    const opened = await connection.createChannel();
    opened.on('error', () => {
      // A refused declaration closes the channel; the rejected call reports it.
    });
    return opened;
  };
  let channel = await openChannel();
  const declare = async (object: string, action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      throw new TopologyConflictError(object, error);
    }
  };
  const converted: QueueTypeChange[] = [];
  const kept: KeptQueue[] = [];
  const assertQueue = (queue: QueueDefinition, args = queue.arguments) =>
    channel.assertQueue(queue.name, {
      durable: queue.durable,
      autoDelete: queue.auto_delete,
      arguments: args,
    });
  const declareQueue = async (queue: QueueDefinition): Promise<void> => {
    const object = `queue "${queue.name}"`;
    let held: string | undefined;
    try {
      await assertQueue(queue);
      return;
    } catch (error) {
      held = heldQueueType(error);
      if (held === undefined) throw new TopologyConflictError(object, error);
    }
    channel = await openChannel();
    const change = { queue: queue.name, from: held, to: queueType(queue.arguments) };
    let { messageCount, consumerCount } = await channel.checkQueue(queue.name);
    // Only a classic queue deletes with if-empty and if-unused; other types refuse the flags.
    if (held === 'classic' && messageCount === 0 && consumerCount === 0) {
      try {
        await channel.deleteQueue(queue.name, { ifEmpty: true, ifUnused: true });
      } catch {
        // A message or a consumer arrived since the check: keep it, counted afresh.
        channel = await openChannel();
        ({ messageCount, consumerCount } = await channel.checkQueue(queue.name));
      }
      if (messageCount === 0 && consumerCount === 0) {
        await declare(object, () => assertQueue(queue));
        converted.push(change);
        return;
      }
    }
    await declare(object, () => assertQueue(queue, { ...queue.arguments, 'x-queue-type': held }));
    kept.push({ ...change, messages: messageCount, consumers: consumerCount });
  };
  try {
    for (const declaration of declarationOrder(topology)) {
      switch (declaration.kind) {
        case 'exchange': {
          const { exchange } = declaration;
          await declare(`exchange "${exchange.name}"`, () =>
            channel.assertExchange(exchange.name, exchange.type, {
              durable: exchange.durable,
              autoDelete: exchange.auto_delete,
              internal: exchange.internal,
              arguments: exchange.arguments,
            }),
          );
          break;
        }
        case 'queue':
          await declareQueue(declaration.queue);
          break;
        case 'binding': {
          const { binding } = declaration;
          const object = `binding ${binding.source} -> ${binding.destination} (${binding.routing_key})`;
          await declare(object, () =>
            binding.destination_type === 'queue'
              ? channel.bindQueue(
                  binding.destination,
                  binding.source,
                  binding.routing_key,
                  binding.arguments,
                )
              : channel.bindExchange(
                  binding.destination,
                  binding.source,
                  binding.routing_key,
                  binding.arguments,
                ),
          );
          break;
        }
        default: {
          const unknown: never = declaration;
          throw new Error(`unknown declaration ${JSON.stringify(unknown)}`);
        }
      }
    }
  } finally {
    await channel.close().catch(() => undefined);
  }
  return {
    exchanges: topology.exchanges.length,
    queues: topology.queues.length,
    bindings: topology.bindings.length,
    converted,
    kept,
  };
}

/** A queue's type as its declaration arguments say: classic when they name none. */
const queueType = (args: Record<string, unknown>) =>
  typeof args['x-queue-type'] === 'string' ? args['x-queue-type'] : 'classic';

/**
 * The type the broker holds a queue as, when it refused a declaration because
 * the type differs (406 "inequivalent arg 'x-queue-type' ... but current is
 * 'quorum'", or "current is none" for a classic queue declared without one);
 * undefined for any other refusal.
 */
function heldQueueType(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  if ((error as { code?: unknown }).code !== 406) return undefined;
  if (!message.includes("inequivalent arg 'x-queue-type'")) return undefined;
  const current = /but current is (?:none|(?:the value )?'([a-z]+)')/.exec(message);
  return current ? (current[1] ?? 'classic') : undefined;
}
