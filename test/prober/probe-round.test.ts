import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import type { ProbeTarget } from '../../src/prober/probe-broker.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import type { HealthRegistry, HealthWrite } from '../../src/registry/health-registry.js';
import { brokerNode } from '../support/broker-node.js';
import { PROBE_OUTCOMES } from '../support/probe-outcomes.js';

const { ok, refused } = PROBE_OUTCOMES;

/** Healthy and steady, last probed long ago: due for a refresh. */
const steady = (id: string) =>
  brokerNode(id, {
    health: { state: 'healthy', since: '2026-11-26T11:00:00.000Z' },
    lastProbeAt: '2026-11-26T11:00:00.000Z',
    consecutiveSuccesses: 2,
  });

/**
 * A fixed fleet whose health writes are recorded in the order they start, with
 * what had happened by then (`events`, shared with the probes). The thing under
 * test is when the round issues its writes, not how the registry stores them.
 */
function memoryRegistry(nodes: BrokerNode[], fail?: (write: HealthWrite) => boolean) {
  const events: string[] = [];
  const registry: HealthRegistry = {
    listNodes: async () => ({ nodes, rejected: [] }),
    recordHealth: async (write) => {
      events.push(`write ${write.id}`);
      if (fail?.(write)) throw new Error('registry unreachable');
      return 'written';
    },
    acquireLease: () => Promise.reject(new Error('not used by a round')),
    releaseLease: () => Promise.reject(new Error('not used by a round')),
    readLease: () => Promise.reject(new Error('not used by a round')),
    registerNode: () => Promise.reject(new Error('not used by a round')),
    setAdminState: () => Promise.reject(new Error('not used by a round')),
    reportOutlier: () => Promise.reject(new Error('not used by a round')),
  };
  const writes = () => events.filter((event) => event.startsWith('write'));
  return { registry, events, writes };
}

/** Answers each broker's probe with its outcome after its delay, noting when the slow ones end. */
function scriptedProbe(
  events: string[],
  script: Record<string, { outcome: ProbeOutcome; afterMs?: number }>,
) {
  return async (target: ProbeTarget): Promise<ProbeOutcome> => {
    const { outcome, afterMs = 0 } = script[target.id] ?? { outcome: ok };
    if (afterMs > 0) {
      await sleep(afterMs);
      events.push(`probed ${target.id}`);
    }
    return outcome;
  };
}

describe('runProbeRound', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('issues the fast brokers’ writes while the slowest probe is still running', async () => {
    const fleet = memoryRegistry([brokerNode('b1'), brokerNode('b2'), brokerNode('b3')]);
    const probe = scriptedProbe(fleet.events, { b3: { outcome: ok, afterMs: 300 } });

    const summary = await runProbeRound({
      registry: fleet.registry,
      probe,
      refreshAfterMs: 30_000,
    });

    expect(fleet.events).toEqual(['write b1', 'write b2', 'probed b3', 'write b3']);
    expect(summary).toMatchObject({ probed: 3, writes: 3, eligible: 3 });
    expect(summary.phases.writesMs).toBeLessThan(summary.phases.probesMs);
  });

  it('writes nothing in a round where every broker fails at TCP, however late the last one fails', async () => {
    const fleet = memoryRegistry([steady('b1'), steady('b2'), steady('b3')]);
    const probe = scriptedProbe(fleet.events, {
      b1: { outcome: refused },
      b2: { outcome: refused },
      b3: { outcome: refused, afterMs: 200 },
    });

    const summary = await runProbeRound({
      registry: fleet.registry,
      probe,
      refreshAfterMs: 30_000,
    });

    expect(fleet.writes()).toEqual([]);
    expect(summary).toMatchObject({ suspectProberNetwork: true, writes: 0, transitions: [] });
  });

  it('holds TCP failures back until an outcome rules out suspecting its own network, then writes them', async () => {
    const fleet = memoryRegistry([steady('b1'), steady('b2'), steady('b3')]);
    const probe = scriptedProbe(fleet.events, {
      b1: { outcome: refused },
      b2: { outcome: refused },
      b3: { outcome: ok, afterMs: 200 },
    });

    const summary = await runProbeRound({
      registry: fleet.registry,
      probe,
      refreshAfterMs: 30_000,
    });

    expect(fleet.events).toEqual(['probed b3', 'write b1', 'write b2', 'write b3']);
    expect(summary).toMatchObject({ suspectProberNetwork: false, writes: 3, eligible: 1 });
  });

  it('issues a transition planned while refreshes wait for the pacer ahead of them', async () => {
    const fleet = memoryRegistry(['r1', 'r2', 'r3', 'r4', 't1'].map(steady));
    const probe = scriptedProbe(fleet.events, { t1: { outcome: refused, afterMs: 50 } });

    const summary = await runProbeRound({
      registry: fleet.registry,
      probe,
      refreshAfterMs: 30_000,
      healthWritesPerSecond: 10,
    });

    // r1 goes at once; t1 fails 50 ms in, while r2..r4 wait 100 ms apart.
    expect(fleet.writes()).toEqual(['write r1', 'write t1', 'write r2', 'write r3', 'write r4']);
    expect(summary.transitions).toEqual([{ id: 't1', from: 'healthy', to: 'unhealthy' }]);
  });

  it('rejects once when a write fails while probes still run, and starts no write after it', async () => {
    const fleet = memoryRegistry(['b1', 'b2', 'b3', 'b4'].map(steady), (w) => w.id === 'b1');
    const probe = scriptedProbe(fleet.events, { b4: { outcome: ok, afterMs: 300 } });

    const round = runProbeRound({
      registry: fleet.registry,
      probe,
      refreshAfterMs: 30_000,
      healthWritesPerSecond: 20,
    });

    await expect(round).rejects.toThrow('registry unreachable');
    await sleep(200);
    expect(fleet.events).toEqual(['write b1', 'probed b4']);
    expect(unhandled).toEqual([]);
  });
});
