import { describe, expect, inject, it } from 'vitest';
import { runConsume } from '../../src/cli/consume-command.js';
import { purgeEverywhere, withChannel } from '../support/amqp.js';
import { brokerUrls } from '../support/publishing.js';
import { consume } from './consume-subprocess.js';

const fleet = inject('fleet');

async function seed(ids: string[]): Promise<void> {
  await purgeEverywhere(
    brokerUrls().map((b) => b.url),
    'tasks',
  );
  const urls = brokerUrls();
  for (const [i, id] of ids.entries()) {
    const url = urls[i % urls.length]?.url ?? '';
    await withChannel(url, async (channel) => {
      channel.sendToQueue('tasks', Buffer.from(JSON.stringify({ n: i })), {
        messageId: id,
        contentType: 'application/json',
        persistent: true,
      });
      await channel.waitForConfirms();
    });
  }
}

async function depth(): Promise<number> {
  let total = 0;
  for (const { url } of brokerUrls()) {
    total += await withChannel(
      url,
      async (channel) => (await channel.checkQueue('tasks')).messageCount,
    );
  }
  return total;
}

describe('warren consume', () => {
  it('prints one JSON line per message from every broker, acknowledges them, and stops after --count', async () => {
    await seed(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    const lines: string[] = [];

    const code = await runConsume(['tasks', '--count', '6', '--data-dir', fleet.dataDir], {
      out: (line) => lines.push(line),
    });

    expect(code).toBe(0);
    const messages = lines.map(
      (line) => JSON.parse(line) as { id: string; node: string; body: { n: number } },
    );
    expect(messages.map((m) => m.id).sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(new Set(messages.map((m) => m.node))).toEqual(new Set(['b1', 'b2', 'b3']));
    expect(await depth()).toBe(0);
  });

  it('leaves the messages queued with --no-ack', async () => {
    await seed(['k1', 'k2', 'k3']);
    const lines: string[] = [];

    await runConsume(['tasks', '--count', '3', '--no-ack', '--data-dir', fleet.dataDir], {
      out: (line) => lines.push(line),
    });

    expect(lines).toHaveLength(3);
    expect(await depth()).toBe(3);
  });

  it('accepts --json and prints each message as one JSON line with the fields its help names', async () => {
    await seed(['j1']);

    const run = consume(['tasks', '--json', '--count', '1', '--data-dir', fleet.dataDir]);
    const { code } = await run.exited;

    expect(code, run.output()).toBe(0);
    const lines = run.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    const message = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(message)).toEqual([
      'id',
      'hasMessageId',
      'replicas',
      'node',
      'body',
      'headers',
      'redeliveries',
      'redelivered',
    ]);
    expect(message).toMatchObject({
      id: 'j1',
      hasMessageId: true,
      replicas: 1,
      body: { n: 0 },
      redeliveries: 0,
      redelivered: false,
    });
  });
});
