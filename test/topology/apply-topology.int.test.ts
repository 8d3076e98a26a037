import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { applyTopology, TopologyConflictError } from '../../src/topology/apply-topology.js';
import { defaultTopology, parseTopology } from '../../src/topology/load-topology.js';
import { PROBE_QUEUE, withProbeQueue } from '../../src/topology/probe-queue.js';
import { drain, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';

const fleet = inject('fleet');
const url = fleet.brokers[0]?.local?.url ?? '';

/** Runs `use` with the URL of a new, empty vhost on the first broker (guest may use it): a broker that came back empty. */
async function withEmptyVhost(use: (vhostUrl: string) => Promise<void>): Promise<void> {
  const management = fleet.brokers[0]?.managementEndpoint ?? '';
  const vhost = `warren-test-${randomUUID().slice(0, 8)}`;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${management}/api/${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`,
        'content-type': 'application/json',
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  };
  await api('PUT', `vhosts/${vhost}`);
  try {
    await api('PUT', `permissions/${vhost}/guest`, { configure: '.*', write: '.*', read: '.*' });
    const vhostUrl = new URL(url);
    vhostUrl.pathname = `/${vhost}`;
    await use(vhostUrl.href);
  } finally {
    await api('DELETE', `vhosts/${vhost}`);
  }
}

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
        converted: [],
        kept: [],
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

  describe('when a broker holds a queue as another type than the topology declares', () => {
    const quorum = (name: string) =>
      parseTopology({ queues: [{ name, arguments: { 'x-queue-type': 'quorum' } }] });
    const classicQueue = async (args: Record<string, unknown> = {}) => {
      const name = `migrating-${randomUUID().slice(0, 8)}`;
      await withChannel(url, async (channel) => {
        await channel.assertQueue(name, { durable: true, arguments: args });
        channel.sendToQueue(name, Buffer.from('queued before the upgrade'), { persistent: true });
        await channel.waitForConfirms();
      });
      return name;
    };
    const typeOf = (name: string) =>
      withChannel(url, async (channel) => {
        await channel.assertQueue(name, {
          durable: true,
          arguments: { 'x-queue-type': 'quorum' },
        });
        return 'quorum';
      }).catch(() => 'not quorum');
    const apply = (topology: ReturnType<typeof quorum>) =>
      withChannel(url, (_, connection) => applyTopology(connection, topology));

    it('keeps a classic queue that holds messages, with its messages, and converts it once it is empty', async () => {
      const name = await classicQueue();

      const first = await apply(quorum(name));

      expect(first.kept).toEqual([
        { queue: name, from: 'classic', to: 'quorum', messages: 1, consumers: 0 },
      ]);
      expect(first.converted).toEqual([]);
      expect(await typeOf(name)).toBe('not quorum');
      await withChannel(url, async (channel) => {
        expect(await drain(channel, name)).toEqual(['queued before the upgrade']);
      });

      const second = await apply(quorum(name));

      expect(second.converted).toEqual([{ queue: name, from: 'classic', to: 'quorum' }]);
      expect(second.kept).toEqual([]);
      expect(await typeOf(name)).toBe('quorum');
      await withChannel(url, (channel) => channel.deleteQueue(name));
    });

    it('keeps an empty classic queue while a consumer is attached to it', async () => {
      const name = await classicQueue();
      await withChannel(url, async (channel) => {
        await drain(channel, name);
        await channel.consume(name, () => undefined);

        const summary = await apply(quorum(name));

        expect(summary.kept).toEqual([
          { queue: name, from: 'classic', to: 'quorum', messages: 0, consumers: 1 },
        ]);
      });
      await withChannel(url, (channel) => channel.deleteQueue(name));
    });

    it('still fails naming the queue when its other arguments differ too', async () => {
      const name = await classicQueue({ 'x-max-length': 5 });

      await expect(apply(quorum(name))).rejects.toThrow(
        new RegExp(`queue "${name}".*x-max-length`),
      );
      await withChannel(url, (channel) => channel.deleteQueue(name));
    });
  });

  it('declares the probe queue only after every binding: a refused binding leaves no probe queue to pass a probe', async () => {
    // The broker refuses this binding (x-match must be all or any), after the exchanges and queues exist.
    const refusedBinding = parseTopology({
      exchanges: [{ name: 'audit', type: 'headers' }],
      queues: [{ name: 'audit.all' }],
      bindings: [
        {
          source: 'audit',
          destination: 'audit.all',
          destination_type: 'queue',
          arguments: { 'x-match': 'most' },
        },
      ],
    });

    await withEmptyVhost(async (vhostUrl) => {
      await withChannel(vhostUrl, async (_, connection) => {
        await expect(applyTopology(connection, withProbeQueue(refusedBinding))).rejects.toThrow(
          /binding audit -> audit.all/,
        );
      });
      await withChannel(vhostUrl, (channel) => channel.checkQueue('audit.all'));
      await expect(
        withChannel(vhostUrl, (channel) => channel.checkQueue(PROBE_QUEUE)),
      ).rejects.toThrow(/NOT_FOUND/);
      // Once the topology can be declared, the probe queue is there too.
      await withChannel(vhostUrl, async (_, connection) => {
        await applyTopology(connection, withProbeQueue(defaultTopology));
      });
      await withChannel(vhostUrl, (channel) => channel.checkQueue(PROBE_QUEUE));
    });
  });
});
