import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  type Consumer,
  type ConsumerEvent,
  createConsumer,
} from '../../src/consume/create-consumer.js';
import { defaultTopology, parseTopology } from '../../src/topology/load-topology.js';
import { withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { brokerUrls, credentials } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';

const run = promisify(execFile);
const fleet = inject('fleet');
const consumers: Consumer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const consumer of consumers.splice(0)) await consumer.stop();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Connections a broker has open under `connectionName`, as the broker itself counts them. */
async function brokerConnections(brokerId: string, connectionName: string): Promise<number> {
  const local = fleet.brokers.find((broker) => broker.id === brokerId)?.local;
  if (!local) throw new Error(`no local broker ${brokerId}`);
  const { stdout } = await run(
    '/usr/lib/rabbitmq/bin/rabbitmqctl',
    ['-n', local.nodeName, '-q', 'list_connections', 'client_properties', '--formatter', 'json'],
    { env: { ...process.env, HOME: local.home }, timeout: 30_000 },
  );
  // client_properties is a list of [key, type, value] triples.
  const rows = JSON.parse(stdout) as { client_properties: [string, string, unknown][] }[];
  return rows.filter((row) =>
    row.client_properties.some(
      ([key, , value]) => key === 'connection_name' && value === connectionName,
    ),
  ).length;
}

/** A topology declaring `queue` (dead-lettering as `tasks` does) that no broker has. */
function topologyWith(queue: string) {
  return parseTopology({
    ...defaultTopology,
    queues: [
      ...defaultTopology.queues,
      { name: queue, arguments: { 'x-dead-letter-exchange': 'warren.dead-letter' } },
    ],
  });
}

describe('a consumer of a queue the brokers do not have', () => {
  it('reports the missing queue per broker, keeps retrying with at most one connection per broker, and attaches once the queue is declared', async () => {
    const queue = `ghost-${randomUUID().slice(0, 8)}`;
    const { registry } = await freshFleetRegistry();
    const events: ConsumerEvent[] = [];
    const consumer = createConsumer({
      registry,
      queue,
      topology: topologyWith(queue),
      credentialsFor: async () => credentials,
      handler: async () => undefined,
      reconcileIntervalMs: 500,
      backoff: { initialMs: 100, maxMs: 300 },
      onEvent: (event) => events.push(event),
    });
    consumers.push(consumer);
    const missing = (node: string) =>
      events.filter((e) => e.type === 'queue-missing' && e.node === node).length;

    const counts: number[] = [];
    await eventually(
      async () => {
        for (const { id } of brokerUrls())
          counts.push(await brokerConnections(id, `warren consumer ${id} ${queue}`));
        for (const { id } of brokerUrls()) expect(missing(id)).toBeGreaterThanOrEqual(5);
        // Several samples per broker, spread over the retries.
        expect(counts.length).toBeGreaterThanOrEqual(12);
      },
      { timeoutMs: 30_000, intervalMs: 0 },
    );
    expect(events).toContainEqual({ type: 'queue-missing', node: 'b1', queue });
    expect(Math.max(...counts)).toBeLessThanOrEqual(1);
    console.log(
      `missing queue: ${events.filter((e) => e.type === 'queue-missing').length} 404s, broker connection counts ${JSON.stringify(counts)}`,
    );

    const b2 = brokerUrls()[1]?.url ?? '';
    await withChannel(b2, (channel) =>
      channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-dead-letter-exchange': 'warren.dead-letter' },
      }),
    );
    cleanups.push(() =>
      withChannel(b2, async (channel) => void (await channel.deleteQueue(queue))),
    );
    await eventually(async () => expect(consumer.status().get('b2')?.state).toBe('consuming'));
    expect(consumer.status().get('b1')?.state).not.toBe('consuming');

    await consumer.stop();
    consumers.splice(0);
    for (const { id } of brokerUrls())
      await eventually(async () =>
        expect(await brokerConnections(id, `warren consumer ${id} ${queue}`)).toBe(0),
      );
  });
});
