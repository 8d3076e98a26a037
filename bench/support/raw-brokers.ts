/** Raw amqplib connections to every broker of a fleet, for loading, purging and counting queues outside warren. */
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';
import type { MessageResult } from '../../src/publish/publisher.js';

export interface RawBroker {
  readonly id: string;
  readonly url: string;
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
}

/** One connection and confirm channel per broker; `onReturn` hears every message returned as unroutable. */
export async function openRawBrokers(
  fleet: FleetDescription,
  onReturn?: () => void,
): Promise<RawBroker[]> {
  return Promise.all(
    fleet.brokers.map(async (broker) => {
      if (!broker.local) throw new Error(`${broker.id}: no local URL`);
      const connection = await connect(broker.local.url);
      connection.on('error', () => undefined);
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      if (onReturn) channel.on('return', onReturn);
      return { id: broker.id, url: broker.local.url, connection, channel };
    }),
  );
}

/** Empties `queue` on every broker; resolves with how many messages it held in all. */
export async function purgeAll(brokers: readonly RawBroker[], queue: string): Promise<number> {
  const replies = await Promise.all(brokers.map((b) => b.channel.purgeQueue(queue)));
  return replies.reduce((sum, reply) => sum + reply.messageCount, 0);
}

/** Messages ready in `queue` on each broker. */
export async function depthsOf(brokers: readonly RawBroker[], queue: string): Promise<number[]> {
  return Promise.all(brokers.map(async (b) => (await b.channel.checkQueue(queue)).messageCount));
}

/**
 * Publishes `body` as JSON to `queue` the way any correct publisher must: the
 * body serialised, with a messageId, content type, timestamp, persistent and
 * mandatory, its own confirm callback settling the message's result.
 *
 * @example const result = await publishJson(brokers[0], 'tasks', 'm-1', { job: 1 });
 */
export function publishJson(
  broker: RawBroker,
  queue: string,
  id: string,
  body: unknown,
): Promise<MessageResult> {
  return new Promise((resolve) => {
    broker.channel.sendToQueue(
      queue,
      Buffer.from(JSON.stringify(body)),
      {
        messageId: id,
        contentType: 'application/json',
        timestamp: Math.floor(Date.now() / 1000),
        persistent: true,
        mandatory: true,
      },
      (error) =>
        resolve(
          error
            ? { id, status: 'failed', code: 'brokers_failed', error: 'nacked' }
            : { id, status: 'accepted', node: broker.id, nodes: [broker.id] },
        ),
    );
  });
}
