import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { runNodes } from '../../src/cli/nodes-command.js';
import { purgeEverywhere, withChannel } from '../support/amqp.js';
import { brokerUrls } from '../support/publishing.js';
import { runWarren } from '../support/warren-cli.js';

const fleet = inject('fleet');

describe('warren nodes list --queue', () => {
  it("shows each broker's depth of the queue, in the table and the JSON", async () => {
    await purgeEverywhere(
      brokerUrls().map((b) => b.url),
      'tasks',
    );
    const b2 = brokerUrls().find((b) => b.id === 'b2')?.url ?? '';
    await withChannel(b2, async (channel) => {
      for (let i = 0; i < 4; i++)
        channel.sendToQueue('tasks', Buffer.from('{}'), { persistent: true });
      await channel.waitForConfirms();
    });
    const table: string[] = [];
    const json: string[] = [];

    await runNodes(['list', '--queue', 'tasks', '--data-dir', fleet.dataDir], {
      out: (line) => table.push(line),
      env: {},
    });
    await runNodes(['list', '--queue', 'tasks', '--json', '--data-dir', fleet.dataDir], {
      out: (line) => json.push(line),
      env: {},
    });
    await purgeEverywhere([b2], 'tasks');

    expect(table[0]).toMatch(/LATENCY\s+TASKS/);
    // Columns are separated by two or more spaces: ID, ENDPOINT, HEALTH, ADMIN, LAST PROBE, LATENCY, TASKS.
    const depthOf = (id: string) =>
      table.find((line) => line.startsWith(`${id} `))?.split(/\s{2,}/)[6];
    expect([depthOf('b1'), depthOf('b2'), depthOf('b3')]).toEqual(['0', '4', '0']);
    expect(JSON.parse(json.join('\n')).depths).toEqual({
      queue: 'tasks',
      byNode: { b1: 0, b2: 4, b3: 0 },
      missingOn: [],
    });
  });
});

describe('warren nodes list --queue, for a queue a broker does not have', () => {
  const depthColumn = (stdout: string, id: string) =>
    stdout
      .split('\n')
      .find((line) => line.startsWith(`${id} `))
      ?.split(/\s{2,}/)[6];

  it('says "no queue" for every broker, names them on stderr, and exits 1 when no broker has it', async () => {
    const queue = `nosuch-${randomUUID().slice(0, 8)}`;

    const table = await runWarren(['nodes', 'list', '--queue', queue, '--data-dir', fleet.dataDir]);
    const json = await runWarren([
      'nodes',
      'list',
      '--queue',
      queue,
      '--json',
      '--data-dir',
      fleet.dataDir,
    ]);

    expect(table.code).toBe(1);
    expect(['b1', 'b2', 'b3'].map((id) => depthColumn(table.stdout, id))).toEqual([
      'no queue',
      'no queue',
      'no queue',
    ]);
    expect(table.stderr).toBe(`warren: queue "${queue}" does not exist on b1, b2, b3\n`);
    expect(json.code).toBe(1);
    expect(json.stderr).toBe(table.stderr);
    expect(JSON.parse(json.stdout).depths).toEqual({
      queue,
      byNode: { b1: null, b2: null, b3: null },
      missingOn: ['b1', 'b2', 'b3'],
    });
  });

  it('shows the depth where the queue exists and exits 0, naming the brokers without it', async () => {
    const queue = `partial-${randomUUID().slice(0, 8)}`;
    const b1 = brokerUrls().find((b) => b.id === 'b1')?.url ?? '';
    await withChannel(b1, async (channel) => {
      await channel.assertQueue(queue, { durable: false, autoDelete: false });
      channel.sendToQueue(queue, Buffer.from('{}'));
      await channel.waitForConfirms();
    });
    try {
      const table = await runWarren([
        'nodes',
        'list',
        '--queue',
        queue,
        '--data-dir',
        fleet.dataDir,
      ]);

      expect(table.code).toBe(0);
      expect(['b1', 'b2', 'b3'].map((id) => depthColumn(table.stdout, id))).toEqual([
        '1',
        'no queue',
        'no queue',
      ]);
      expect(table.stderr).toBe(`warren: queue "${queue}" does not exist on b2, b3\n`);
    } finally {
      await withChannel(b1, (channel) => channel.deleteQueue(queue));
    }
  });
});
