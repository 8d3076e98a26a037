import type { ChannelModel } from 'amqplib';
import { declarationOrder } from './declaration-order.js';
import type { Topology } from './topology.js';

/** A broker refused a declaration, typically because an existing queue has other arguments. */
export class TopologyConflictError extends Error {
  readonly object: string;
  constructor(object: string, cause: unknown) {
    super(`cannot declare ${object}: ${(cause as Error).message}`, { cause });
    this.name = 'TopologyConflictError';
    this.object = object;
  }
}

export interface TopologySummary {
  readonly exchanges: number;
  readonly queues: number;
  readonly bindings: number;
}

/**
 * Declares every exchange, queue and binding of `topology` on one broker, in
 * `declarationOrder`: the probe queue last, so a broker that came back empty
 * cannot pass a probe before the rest of its topology exists. Idempotent:
 * redeclaring what exists is a no-op, so it runs on every broker (re)start.
 * Run it before a broker becomes eligible, never on the publish path.
 *
 * @example await applyTopology(connection, defaultTopology);
 */
export async function applyTopology(
  connection: ChannelModel,
  topology: Topology,
): Promise<TopologySummary> {
  const channel = await connection.createChannel();
  channel.on('error', () => {
    // A refused declaration closes the channel; the rejected call reports it.
  });
  const declare = async (object: string, action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      throw new TopologyConflictError(object, error);
    }
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
        case 'queue': {
          const { queue } = declaration;
          await declare(`queue "${queue.name}"`, () =>
            channel.assertQueue(queue.name, {
              durable: queue.durable,
              autoDelete: queue.auto_delete,
              arguments: queue.arguments,
            }),
          );
          break;
        }
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
  };
}
