import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { drain, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';

const fleet = inject('fleet');
const broker = fleet.brokers.find((candidate) => candidate.id === 'b3');
const local = broker?.local;
if (!local) throw new Error('the test fleet has no local broker b3');

const brokerPid = async () => Number.parseInt(await readFile(local.pidFile, 'utf8'), 10);

describe('the fleet supervisor', () => {
  it('restarts a broker killed with SIGKILL on the same port, with the persistent messages it had confirmed', async () => {
    const body = `before-kill-${randomUUID()}`;
    await withChannel(local.url, async (channel) => {
      await channel.purgeQueue('tasks');
      channel.sendToQueue('tasks', Buffer.from(body), { persistent: true, messageId: body });
      await channel.waitForConfirms();
    });
    const killedPid = await brokerPid();

    process.kill(killedPid, 'SIGKILL');

    const restartedPid = await eventually(
      async () => {
        const pid = await brokerPid();
        if (pid === killedPid) throw new Error('not restarted yet');
        return pid;
      },
      { timeoutMs: 45_000 },
    );
    const bodies = await eventually(
      () => withChannel(local.url, (channel) => drain(channel, 'tasks')),
      {
        timeoutMs: 45_000,
      },
    );
    expect(restartedPid).not.toBe(killedPid);
    expect(bodies).toEqual([body]);
  });
});
