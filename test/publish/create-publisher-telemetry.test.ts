import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import type { CachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { RegistryUnavailableError } from '../../src/registry/health-registry.js';
import { createPublishTally, type PublishTally } from '../../src/service/publish-tally.js';
import { brokerNode } from '../support/broker-node.js';
import {
  closed,
  fixedFleet,
  healthy,
  now,
  reportingPublisher,
  scriptedPool,
  tasks,
} from './create-publisher-fixtures.js';

/** A cache that lost the registry: it serves the last view it had. */
function lastKnownGood(nodes: BrokerNode[]): CachedFleetView {
  return {
    read: async () => ({
      source: 'last-known-good',
      snapshot: { nodes, rejected: [] },
      fetchedAtMs: now - 60_000,
      error: new RegistryUnavailableError('registry did not answer'),
      refreshing: false,
    }),
    invalidate: () => undefined,
  };
}

/** Publishes one message through a publisher over `fleet` and `answer`, and answers its tally's counts. */
async function tallyOf(
  fleet: CachedFleetView,
  answer: Parameters<typeof scriptedPool>[0],
): Promise<ReturnType<PublishTally['counts']>> {
  const { pool } = scriptedPool(answer);
  const { publisher } = reportingPublisher({ fleet, pool, clock: () => now, random: () => 0 });
  const tally = createPublishTally();
  await publisher.publish(tasks, [{ id: 'a', body: 1 }], { telemetry: tally });
  return tally.counts();
}

describe('createPublisher telemetry', () => {
  it('tells a call its view, each failed attempt with the copies moved elsewhere, and its results', async () => {
    const counts = await tallyOf(
      fixedFleet([healthy('b1'), healthy('b2', 5), healthy('b3', 5)]),
      (target) => (target.id === 'b1' ? closed : { ok: true }),
    );

    expect(counts).toEqual({
      accepted: 1,
      failedByCode: {},
      routing: {
        view: 'fresh',
        panic: false,
        failedOver: 1,
        attemptFailures: [{ node: 'b1', kind: 'closed', messages: 1, retried: 1 }],
      },
    });
  });

  it('counts copies with no broker left as failed, not failed over', async () => {
    const counts = await tallyOf(fixedFleet([healthy('b1')]), () => closed);

    expect(counts).toEqual({
      accepted: 0,
      failedByCode: { brokers_failed: 1 },
      routing: {
        view: 'fresh',
        panic: false,
        failedOver: 0,
        attemptFailures: [{ node: 'b1', kind: 'closed', messages: 1, retried: 0 }],
      },
    });
  });

  it('says so when the call routed on the last known good view, in panic mode', async () => {
    const counts = await tallyOf(
      lastKnownGood([healthy('b1'), healthy('b2'), healthy('b3')]),
      () => ({
        ok: true,
      }),
    );

    expect(counts).toMatchObject({
      accepted: 1,
      routing: { view: 'last-known-good', panic: true },
    });
  });

  it('routes with no view at all as unavailable', async () => {
    const unreachable: CachedFleetView = {
      read: () => Promise.reject(new RegistryUnavailableError('down')),
      invalidate: () => undefined,
    };
    const counts = await tallyOf(unreachable, () => ({ ok: true }));

    expect(counts).toMatchObject({
      accepted: 0,
      failedByCode: { no_broker: 1 },
      routing: { view: 'unavailable', panic: true, attemptFailures: [] },
    });
  });

  it('publishes the same without telemetry', async () => {
    const { pool } = scriptedPool(() => ({ ok: true }));
    const { publisher } = reportingPublisher({
      fleet: fixedFleet([brokerNode('b1')]),
      pool,
      clock: () => now,
    });
    const [result] = await publisher.publish(tasks, [{ id: 'a', body: 1 }]);
    expect(result).toMatchObject({ status: 'accepted', node: 'b1' });
  });
});
