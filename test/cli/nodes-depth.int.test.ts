import { describe, expect, inject, it } from 'vitest';
import { runNodes } from '../../src/cli/nodes-command.js';
import { purgeEverywhere, withChannel } from '../support/amqp.js';
import { brokerUrls } from '../support/publishing.js';

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

    await runNodes(
      ['list', '--queue', 'tasks', '--data-dir', fleet.dataDir],
      (line) => table.push(line),
      {},
    );
    await runNodes(
      ['list', '--queue', 'tasks', '--json', '--data-dir', fleet.dataDir],
      (line) => json.push(line),
      {},
    );
    await purgeEverywhere([b2], 'tasks');

    expect(table[0]).toMatch(/LATENCY\s+TASKS/);
    // Columns are separated by two or more spaces: ID, ENDPOINT, HEALTH, ADMIN, LAST PROBE, LATENCY, TASKS.
    const depthOf = (id: string) =>
      table.find((line) => line.startsWith(`${id} `))?.split(/\s{2,}/)[6];
    expect([depthOf('b1'), depthOf('b2'), depthOf('b3')]).toEqual(['0', '4', '0']);
    expect(JSON.parse(json.join('\n')).depths).toEqual({
      queue: 'tasks',
      byNode: { b1: 0, b2: 4, b3: 0 },
    });
  });
});
