/** A queue of a test's own, with its dead-letter exchange and queue, on every harness broker. */
import { randomUUID } from 'node:crypto';
import { applyTopology } from '../../src/topology/apply-topology.js';
import { parseTopology } from '../../src/topology/load-topology.js';
import { withChannel } from './amqp.js';
import { brokerUrls } from './publishing.js';

export interface OwnQueueOptions {
  readonly dlxType?: 'fanout' | 'direct';
  /** Default true: the dead-letter queue is bound to the dead-letter exchange. */
  readonly bound?: boolean;
  readonly routingKey?: string;
  /** The main queue's `x-queue-type`; default: RabbitMQ's default (classic). */
  readonly queueType?: 'quorum';
}

/**
 * Declares `<prefix>-<random>` (dead-lettering to `.dlx`, bound to `.dlq`) on
 * every broker; `cleanups` gets the step that deletes all three.
 */
export async function ownQueues(
  prefix: string,
  cleanups: (() => Promise<void>)[],
  options: OwnQueueOptions = {},
) {
  const id = randomUUID().slice(0, 8);
  const names = {
    queue: `${prefix}-${id}`,
    dlx: `${prefix}-${id}.dlx`,
    dlq: `${prefix}-${id}.dlq`,
  };
  const topology = parseTopology({
    exchanges: [{ name: names.dlx, type: options.dlxType ?? 'fanout' }],
    queues: [
      {
        name: names.queue,
        arguments: {
          ...(options.queueType && { 'x-queue-type': options.queueType }),
          'x-dead-letter-exchange': names.dlx,
          ...(options.routingKey !== undefined && {
            'x-dead-letter-routing-key': options.routingKey,
          }),
        },
      },
      { name: names.dlq },
    ],
    bindings:
      options.bound === false
        ? []
        : [
            {
              source: names.dlx,
              destination: names.dlq,
              destination_type: 'queue',
              routing_key: options.routingKey ?? '',
            },
          ],
  });
  for (const { url } of brokerUrls())
    await withChannel(
      url,
      async (_, connection) => void (await applyTopology(connection, topology)),
    );
  cleanups.push(async () => {
    for (const { url } of brokerUrls()) {
      await withChannel(url, async (channel) => {
        await channel.deleteQueue(names.queue);
        await channel.deleteQueue(names.dlq);
        await channel.deleteExchange(names.dlx);
      });
    }
  });
  return { ...names, topology };
}
