import { describe, expect, it } from 'vitest';
import { DEFAULT_PROBE_OPTIONS } from '../../src/prober/probe-broker.js';
import {
  type ProberInvocationOptions,
  roundBudgetMs,
  runProberInvocation,
} from '../../src/prober/prober-invocation.js';
import type { HealthRegistry, ProberLease } from '../../src/registry/health-registry.js';
import { brokerNode } from '../support/broker-node.js';

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const INTERVAL_MS = 15_000;
const BUDGET_MS = 16_000;
const PROBE_MS = 2_000;

const node = (id: string) => brokerNode(id);

/**
 * The registry behaviour an invocation relies on, in memory: the lease with the
 * DynamoDB adapter's conditions (free, expired, or already ours), a fixed fleet,
 * and health writes that always land. The thing under test is the scheduling.
 */
function memoryRegistry(options: { failWritesFromRound?: number } = {}) {
  let lease: { holder: string; expiresAtMs: number } | undefined;
  const acquisitions: { holder: string; ttlMs: number }[] = [];
  let lists = 0;
  const registry: HealthRegistry = {
    listNodes: async () => {
      lists++;
      return { nodes: [node('b1')], rejected: [] };
    },
    recordHealth: async () => {
      if (options.failWritesFromRound !== undefined && lists >= options.failWritesFromRound)
        throw new Error('registry unreachable');
      return 'written';
    },
    acquireLease: async (holder, now, ttlMs) => {
      if (lease && lease.holder !== holder && lease.expiresAtMs >= now.getTime()) return false;
      lease = { holder, expiresAtMs: now.getTime() + ttlMs };
      acquisitions.push({ holder, ttlMs });
      return true;
    },
    releaseLease: async (holder, now) => {
      if (lease?.holder === holder) lease = { holder, expiresAtMs: now.getTime() };
    },
    readLease: async (): Promise<ProberLease | undefined> =>
      lease && { holder: lease.holder, expiresAt: new Date(lease.expiresAtMs).toISOString() },
    registerNode: () => Promise.reject(new Error('not used by the prober')),
    setAdminState: () => Promise.reject(new Error('not used by the prober')),
    reportOutlier: () => Promise.reject(new Error('not used by the prober')),
  };
  return {
    registry,
    acquisitions,
    leaseExpiresAtMs: () => lease?.expiresAtMs,
    /** Another prober takes the lease, as after this one's lease expired during a stall. */
    takeOver: (holder: string) => {
      lease = { holder, expiresAtMs: T0 + 3_600_000 };
    },
  };
}

/** A fake clock that only moves when a probe takes time or the invocation sleeps. */
function setup(overrides: { timeLeftMs?: number; failWritesFromRound?: number } = {}) {
  const memory = memoryRegistry(overrides);
  const time = { nowMs: T0 };
  const sleeps: number[] = [];
  const deadlineMs = T0 + (overrides.timeLeftMs ?? 900_000);
  const options: ProberInvocationOptions = {
    registry: memory.registry,
    holder: 'invocation-1',
    intervalMs: INTERVAL_MS,
    roundBudgetMs: BUDGET_MS,
    refreshAfterMs: 30_000,
    clock: () => new Date(time.nowMs),
    sleep: async (ms) => {
      sleeps.push(ms);
      time.nowMs += ms;
    },
    remainingTimeMs: () => deadlineMs - time.nowMs,
    probe: async () => {
      time.nowMs += PROBE_MS;
      return { result: 'ok', latencyMs: 3 };
    },
  };
  return { ...memory, options, sleeps, time };
}

describe('runProberInvocation', () => {
  it('runs 4 rounds by default, started the interval apart, and releases the lease', async () => {
    const { options, sleeps, acquisitions, leaseExpiresAtMs, time } = setup();

    const result = await runProberInvocation(options);

    expect(result.rounds.map((round) => Date.parse(round.startedAt) - T0)).toEqual([
      0, 15_000, 30_000, 45_000,
    ]);
    expect(sleeps).toEqual([13_000, 13_000, 13_000]);
    expect(result).toMatchObject({ leaseHeldElsewhere: false, stoppedEarly: false });
    expect(acquisitions).toEqual(
      Array(4).fill({ holder: 'invocation-1', ttlMs: INTERVAL_MS + BUDGET_MS }),
    );
    expect(leaseExpiresAtMs()).toBe(time.nowMs);
  });

  it('runs the number of rounds asked for', async () => {
    const { options } = setup();

    const result = await runProberInvocation({ ...options, rounds: 2 });

    expect(result.rounds).toHaveLength(2);
    expect(result.stoppedEarly).toBe(false);
  });

  it.each([
    ['enough time for every round', 120_000, 4, 3, false],
    ['time for two rounds only', 40_000, 2, 1, true],
    ['not enough time for one round', BUDGET_MS - 1, 0, 0, true],
  ])(
    'with %s, runs the rounds that fit and does not sleep towards one that cannot',
    async (_case, timeLeftMs, rounds, sleeps, stoppedEarly) => {
      const setupResult = setup({ timeLeftMs });

      const result = await runProberInvocation(setupResult.options);

      expect(result.rounds).toHaveLength(rounds);
      expect(setupResult.sleeps).toHaveLength(sleeps);
      expect(result.stoppedEarly).toBe(stoppedEarly);
      expect(setupResult.time.nowMs - T0).toBeLessThanOrEqual(timeLeftMs);
    },
  );

  it('gives a round as long as the last one took, and a margin, when that is more than the budget', async () => {
    // A large fleet: more hung brokers than probes in flight, paced writes. Each round takes 21 s.
    const { options, acquisitions, time } = setup({ timeLeftMs: 60_000 });
    const slowRounds: ProberInvocationOptions = {
      ...options,
      probe: async () => {
        time.nowMs += 21_000;
        return { result: 'ok', latencyMs: 3 };
      },
    };

    const result = await runProberInvocation(slowRounds);

    // The third round would end at 63 s, past the 60 s the function has; the fixed
    // 16 s budget would have started it with 18 s left.
    expect(result.rounds).toHaveLength(2);
    expect(result.stoppedEarly).toBe(true);
    expect(time.nowMs - T0).toBeLessThanOrEqual(60_000);
    expect(acquisitions.map((a) => a.ttlMs)).toEqual([
      INTERVAL_MS + BUDGET_MS,
      INTERVAL_MS + 21_000 + 5_000,
    ]);
  });

  it('returns at once, without probing or releasing, when another prober holds the lease', async () => {
    const { options, registry, sleeps } = setup();
    await registry.acquireLease('invocation-0', new Date(T0), 60_000);
    let probes = 0;

    const result = await runProberInvocation({
      ...options,
      probe: async () => {
        probes++;
        return { result: 'ok', latencyMs: 3 };
      },
    });

    expect(result).toEqual({ rounds: [], leaseHeldElsewhere: true, stoppedEarly: false });
    expect(probes).toBe(0);
    expect(sleeps).toEqual([]);
    expect((await registry.readLease())?.holder).toBe('invocation-0');
  });

  it('stops when another prober took the lease over between rounds', async () => {
    const { options, registry, takeOver } = setup();

    const result = await runProberInvocation({ ...options, onRound: () => takeOver('rival') });

    expect(result.rounds).toHaveLength(1);
    expect(result.leaseHeldElsewhere).toBe(true);
    expect((await registry.readLease())?.holder).toBe('rival');
  });

  it('releases the lease when a round throws, and passes the error on', async () => {
    const { options, leaseExpiresAtMs, time } = setup({ failWritesFromRound: 2 });

    await expect(runProberInvocation(options)).rejects.toThrow('registry unreachable');

    expect(leaseExpiresAtMs()).toBe(time.nowMs);
  });

  it('reports a failed release instead of throwing it', async () => {
    const { options, registry } = setup();
    const errors: unknown[] = [];

    const result = await runProberInvocation({
      ...options,
      rounds: 1,
      registry: { ...registry, releaseLease: () => Promise.reject(new Error('throttled')) },
      onReleaseError: (error) => errors.push(error),
    });

    expect(result.rounds).toHaveLength(1);
    expect(errors).toEqual([new Error('throttled')]);
  });
});

describe('roundBudgetMs', () => {
  it.each([
    ['the default stage timeouts', DEFAULT_PROBE_OPTIONS, 0, 15_000],
    ['the default stage timeouts and 1 s of jitter', DEFAULT_PROBE_OPTIONS, 1_000, 16_000],
    [
      'every stage at 500 ms',
      {
        ...DEFAULT_PROBE_OPTIONS,
        tcpTimeoutMs: 500,
        amqpTimeoutMs: 500,
        publishTimeoutMs: 500,
        managementTimeoutMs: 500,
      },
      0,
      8_500,
    ],
  ])('covers every probe stage at its deadline, with %s', (_case, probe, jitterMs, expected) => {
    expect(roundBudgetMs(probe, jitterMs)).toBe(expected);
  });
});
