import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsBroker, type TlsBroker } from '../../../bench/support/tls-broker.js';
import { renderDefinitionFiles } from '../../../infra/broker/definitions.js';
import { withCredentials } from '../../../src/core/amqp-endpoint.js';
import { DEFAULT_PROBE_OPTIONS, probeBroker } from '../../../src/prober/probe-broker.js';
import { defaultTopology, parseTopology } from '../../../src/topology/load-topology.js';
import { PROBE_QUEUE } from '../../../src/topology/probe-queue.js';
import { drain, withChannel } from '../../support/amqp.js';
import { eventually } from '../../support/eventually.js';

/**
 * A topology whose boot-time import fails part-way on a fresh volume: RabbitMQ
 * refuses the queue `bad` (x-max-length must be a number) while importing the
 * queues, so it never imports the bindings. With `skip_if_unchanged`, as on
 * EC2, the broker boots and listens all the same.
 */
const incomplete = parseTopology({
  exchanges: [{ name: 'audit', type: 'fanout' }],
  queues: [{ name: 'audit.all' }, { name: 'bad', arguments: { 'x-max-length': 'abc' } }],
  bindings: [{ source: 'audit', destination: 'audit.all', destination_type: 'queue' }],
});

let broker: TlsBroker;
beforeAll(async () => {
  broker = await startTlsBroker({ topology: incomplete, plainAmqp: true });
});
afterAll(async () => {
  await broker?.stop();
});

const lines = async (args: string[]) =>
  (await broker.rabbitmqctl(['-q', ...args])).trim().split('\n').filter(Boolean);

describe('an EC2 broker whose boot-time definitions import fails part-way', () => {
  it('boots with an incomplete topology (the refused queue, and every binding, missing)', async () => {
    const queues = await lines(['list_queues', 'name', '--no-table-headers']);
    expect(queues).toContain('audit.all');
    expect(queues).not.toContain('bad');
    const bindings = await lines(['list_bindings', 'source_name', '--no-table-headers']);
    expect(bindings).not.toContain('audit');
  });

  it('has no probe queue, so the probe fails at once and the broker never becomes eligible', async () => {
    expect(await lines(['list_queues', 'name', '--no-table-headers'])).not.toContain(PROBE_QUEUE);

    const outcome = await probeBroker(
      { id: 'tls', endpoint: broker.amqpsUrl },
      {
        ...DEFAULT_PROBE_OPTIONS,
        credentials: { username: broker.username, password: broker.password },
        caCertPem: broker.caCertPem,
      },
    );

    expect(outcome).toMatchObject({ result: 'failed', stage: 'publish', severity: 'hard' });
    expect(outcome).toMatchObject({ reason: expect.stringContaining(PROBE_QUEUE) });
  });

  it('keeps a classic queue an older topology declared, with its messages, when the default topology (quorum queues) is imported over it', async () => {
    const url = withCredentials(broker.amqpUrl ?? '', broker.username, broker.password);
    await withChannel(url, async (channel) => {
      await channel.assertQueue('tasks', {
        durable: true,
        arguments: { 'x-dead-letter-exchange': 'warren.dead-letter' },
      });
      channel.sendToQueue('tasks', Buffer.from('queued before the upgrade'), { persistent: true });
      await channel.waitForConfirms();
    });

    // As a boot with new definitions does: the topology, then (only once it imported) the probe queue.
    for (const file of renderDefinitionFiles(defaultTopology)) {
      const path = join(broker.dir, file.name);
      await writeFile(path, file.content);
      await broker.rabbitmqctl(['import_definitions', path]);
    }

    const queues = () => lines(['list_queues', 'name', 'type', '--no-table-headers']);
    await eventually(async () => expect(await queues()).toContain(`${PROBE_QUEUE}\tclassic`));
    expect(await queues()).toEqual(
      expect.arrayContaining([
        'tasks\tclassic',
        'events.all\tquorum',
        'warren.dead-letter\tquorum',
      ]),
    );
    await withChannel(url, async (channel) => {
      expect(await drain(channel, 'tasks')).toEqual(['queued before the upgrade']);
    });
  });
});
