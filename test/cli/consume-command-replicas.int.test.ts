import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { REPLICAS_HEADER } from '../../src/core/replicas.js';
import { purgeEverywhere, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { brokerUrls } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';
import { consume, tableArgs } from './consume-subprocess.js';

/** Publishes `messageId` to `tasks` on each broker of `urls`: one copy each, as a replicating publisher does. */
async function publishCopies(messageId: string, urls: readonly string[]): Promise<void> {
  for (const url of urls) {
    await withChannel(url, async (channel) => {
      channel.sendToQueue('tasks', Buffer.from(JSON.stringify({ copy: url })), {
        persistent: true,
        contentType: 'application/json',
        messageId,
        ...(urls.length > 1 && { headers: { [REPLICAS_HEADER]: urls.length } }),
      });
      await channel.waitForConfirms();
    });
  }
}

const depths = async () => {
  const found: number[] = [];
  for (const { url } of brokerUrls())
    found.push(await withChannel(url, async (c) => (await c.checkQueue('tasks')).messageCount));
  return found;
};

const printedIds = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; node: string; replicas: number });

/** Two copies of one message, on b1 and b2, in an empty `tasks`, and a fresh registry table listing the fleet. */
async function twoCopies() {
  const urls = brokerUrls().map((broker) => broker.url);
  await purgeEverywhere(urls, 'tasks');
  const { tableName } = await freshFleetRegistry();
  const messageId = randomUUID();
  await publishCopies(messageId, urls.slice(0, 2));
  return { tableName, messageId, urls };
}

describe('warren consume meeting a message published as two copies', () => {
  it('prints it once by default and acknowledges both copies', async () => {
    const { tableName, messageId, urls } = await twoCopies();

    const run = consume(['tasks', '--count', '2', ...tableArgs(tableName)]);
    await eventually(async () => expect(await depths()).toEqual([0, 0, 0]), { timeoutMs: 20_000 });
    // Published only once both copies are gone: a second copy printed would come before it.
    const after = randomUUID();
    await publishCopies(after, [urls[2] ?? '']);
    const { code } = await run.exited;

    expect(code).toBe(0);
    expect(printedIds(run.stdout()).map((m) => [m.id, m.replicas])).toEqual([
      [messageId, 2],
      [after, 1],
    ]);
    expect(run.stderr()).toBe('');
    expect(await depths()).toEqual([0, 0, 0]);
  });

  it('prints both copies with --no-dedupe, with a warning on stderr', async () => {
    const { tableName, messageId } = await twoCopies();

    const run = consume(['tasks', '--count', '2', '--no-dedupe', ...tableArgs(tableName)]);
    const { code } = await run.exited;

    expect(code).toBe(0);
    const printed = printedIds(run.stdout());
    expect(printed.map((m) => m.id)).toEqual([messageId, messageId]);
    expect(new Set(printed.map((m) => m.node))).toEqual(new Set(['b1', 'b2']));
    expect(run.stderr()).toMatch(
      new RegExp(
        `message ${messageId} from b[12] has 2 copies \\(x-warren-replicas\\) and --no-dedupe prints each copy`,
      ),
    );
    expect(run.stderr()).toContain(
      '2 copies of replicated messages printed without de-duplication',
    );
  });

  it('prints it once with --no-ack, claiming nothing, and leaves both copies queued', async () => {
    const { tableName, messageId } = await twoCopies();

    const run = consume(['tasks', '--no-ack', ...tableArgs(tableName)]);
    await eventually(async () => expect(run.stdout()).toContain(messageId), { timeoutMs: 20_000 });
    // Both copies reach a consumer within milliseconds; give a second print every chance.
    await sleep(2_000);
    run.child.kill('SIGTERM');
    const { code } = await run.exited;

    expect(code).toBe(0);
    expect(printedIds(run.stdout()).map((m) => m.id)).toEqual([messageId]);
    expect(run.stderr()).toBe('');
    await eventually(async () => expect(await depths()).toEqual([1, 1, 0]));
  });
});
