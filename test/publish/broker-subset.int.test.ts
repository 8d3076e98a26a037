import { afterEach, describe, expect, it } from 'vitest';
import { connectAmqp } from '../../src/amqp/connect-amqp.js';
import { rendezvousScore } from '../../src/core/node-selection.js';
import type { MessageResult, PublishMessage } from '../../src/publish/publisher.js';
import { drainIds, purgeEverywhere, withChannel } from '../support/amqp.js';
import { eventually } from '../support/eventually.js';
import { brokerPid, localBroker } from '../support/fleet-brokers.js';
import { brokerUrls, publishingSetup } from '../support/publishing.js';

// Subsets of one broker on the harness's three, so each container's choice
// shows on the queues: a container sends its unkeyed messages to the broker
// ranking first by rendezvous of (container id, broker id).

const tasks = { kind: 'queue', queue: 'tasks' } as const;
const harness = ['b1', 'b2', 'b3'];
const local = localBroker;
/** Back after a kill: accepting connections, its queue recovered. */
const backUp = (id: string) =>
  eventually(
    async () => {
      await (await connectAmqp(local(id).url, { timeoutMs: 1_000 })).close();
      await withChannel(local(id).url, (channel) => channel.checkQueue('tasks'));
    },
    { timeoutMs: 45_000 },
  );

/** The harness brokers as `id` ranks them, best first. */
const rankedFor = (id: string) =>
  [...harness].sort((a, b) => rendezvousScore(id, b) - rendezvousScore(id, a));
/** A container id that ranks `brokerId` first. */
const containerRanking = (brokerId: string) =>
  Array.from({ length: 100 }, (_, i) => `subset-test-${i}`).find(
    (id) => rankedFor(id)[0] === brokerId,
  ) ?? '';

const unkeyed = (prefix: string, count: number): PublishMessage[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, body: { i } }));
const acceptedOn = (results: readonly MessageResult[]) =>
  results.map((result) => (result.status === 'accepted' ? result.node : result.status));
const emptyEverywhere = () =>
  purgeEverywhere(
    brokerUrls().map((broker) => broker.url),
    'tasks',
  );

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function containerPublisher(containerId: string) {
  const setup = await publishingSetup({ containerId, settings: { subsetSize: 1 } });
  cleanups.push(setup.close);
  return setup.publisher;
}

describe('broker subsets against the harness brokers', () => {
  it('sends every unkeyed message of a container to its subset broker, and another container to its own', async () => {
    await emptyEverywhere();
    const first = await containerPublisher(containerRanking('b1'));
    const second = await containerPublisher(containerRanking('b3'));

    const fromFirst = [];
    const fromSecond = [];
    for (let batch = 0; batch < 5; batch++) {
      fromFirst.push(...(await first.publish(tasks, unkeyed(`first-${batch}`, 20))));
      fromSecond.push(...(await second.publish(tasks, unkeyed(`second-${batch}`, 20))));
    }

    expect(new Set(acceptedOn(fromFirst))).toEqual(new Set(['b1']));
    expect(new Set(acceptedOn(fromSecond))).toEqual(new Set(['b3']));
    const byBroker = await drainIds(brokerUrls(), 'tasks');
    expect(byBroker.get('b1')?.sort()).toEqual(fromFirst.map((result) => result.id).sort());
    expect(byBroker.get('b3')?.sort()).toEqual(fromSecond.map((result) => result.id).sort());
    expect(byBroker.get('b2')).toEqual([]);
  });

  it("sends keyed messages to the key's broker whatever the container's subset", async () => {
    await emptyEverywhere();
    const keys = Array.from({ length: 30 }, (_, i) => `customer-${i}`);
    const keyed = (prefix: string) =>
      keys.map((key) => ({ id: `${prefix}-${key}`, body: key, key }));
    const keyBroker = keys.map((key) => rankedFor(key)[0]);

    const fromFirst = await (await containerPublisher(containerRanking('b1'))).publish(
      tasks,
      keyed('first'),
    );
    const fromSecond = await (await containerPublisher(containerRanking('b3'))).publish(
      tasks,
      keyed('second'),
    );

    expect(acceptedOn(fromFirst)).toEqual(keyBroker);
    expect(acceptedOn(fromSecond)).toEqual(keyBroker);
    expect(new Set(keyBroker)).toEqual(new Set(harness));
    await emptyEverywhere();
  });

  it('fails over within the request when its subset broker is killed (SIGKILL), to the next broker by score, failing nothing', async () => {
    await emptyEverywhere();
    const containerId = containerRanking('b2');
    const [, next] = rankedFor(containerId);
    const publisher = await containerPublisher(containerId);
    const before = await publisher.publish(tasks, unkeyed('before', 20));

    const after: MessageResult[] = [];
    try {
      process.kill(await brokerPid('b2'), 'SIGKILL');
      for (let batch = 0; batch < 5; batch++)
        after.push(...(await publisher.publish(tasks, unkeyed(`after-${batch}`, 20))));
    } finally {
      await backUp('b2');
    }

    expect(new Set(acceptedOn(before))).toEqual(new Set(['b2']));
    expect(after.filter((result) => result.status !== 'accepted')).toEqual([]);
    expect(new Set(acceptedOn(after))).toEqual(new Set([next]));
    const byBroker = await drainIds(brokerUrls(), 'tasks');
    expect(byBroker.get(next ?? '')?.sort()).toEqual(after.map((result) => result.id).sort());
    // What b2 confirmed before it died is there after its restart.
    expect(byBroker.get('b2')?.sort()).toEqual(before.map((result) => result.id).sort());
  });
});
