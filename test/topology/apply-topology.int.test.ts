import { describe, expect, inject, it } from 'vitest';
import { applyTopology, TopologyConflictError } from '../../src/topology/apply-topology.js';
import { defaultTopology, parseTopology } from '../../src/topology/load-topology.js';
import { drain, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';

const fleet = inject('fleet');
const url = fleet.brokers[0]?.local?.url ?? '';

describe('applyTopology against a real broker', () => {
  it('declared the default topology on every fleet broker before it became ready', async () => {
    for (const broker of fleet.brokers) {
      await withChannel(broker.local?.url ?? '', async (channel) => {
        await channel.checkQueue('tasks');
        await channel.checkQueue('events.all');
        await channel.checkQueue('warren.dead-letter');
        await channel.checkExchange('events');
      });
    }
  });

  it('is idempotent: applying the same topology again changes nothing', async () => {
    await withChannel(url, async (_, connection) => {
      await expect(applyTopology(connection, defaultTopology)).resolves.toEqual({
        exchanges: 2,
        queues: 3,
        bindings: 2,
      });
    });
  });

  it('routes events by topic and dead-letters a rejected task', async () => {
    await withChannel(url, async (channel) => {
      await channel.purgeQueue('events.all');
      await channel.purgeQueue('tasks');
      await channel.purgeQueue('warren.dead-letter');
      channel.publish('events', 'order.created', Buffer.from('event'), { persistent: true });
      channel.sendToQueue('tasks', Buffer.from('poison'), { persistent: true });
      await channel.waitForConfirms();

      expect(await drain(channel, 'events.all')).toEqual(['event']);
      const task = await channel.get('tasks');
      if (task === false) throw new Error('the task was not queued');
      channel.nack(task, false, false);
      expect(
        await eventually(async () => {
          const dead = await drain(channel, 'warren.dead-letter');
          if (dead.length === 0) throw new Error('not dead-lettered yet');
          return dead;
        }),
      ).toEqual(['poison']);
    });
  });

  it('fails with TopologyConflictError naming the queue when a broker has it with other arguments', async () => {
    const conflicting = parseTopology({
      queues: [{ name: 'tasks', durable: true, arguments: { 'x-max-length': 10 } }],
    });

    await withChannel(url, async (_, connection) => {
      const attempt = applyTopology(connection, conflicting);
      await expect(attempt).rejects.toBeInstanceOf(TopologyConflictError);
      await expect(attempt).rejects.toThrow(/queue "tasks"/);
    });
  });
});
