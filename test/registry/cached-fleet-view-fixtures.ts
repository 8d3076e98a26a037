/** A registry the test answers by hand, a clock it sets, and the cache over them: shared by the cached-fleet-view tests. */
import { setImmediate as tick } from 'node:timers/promises';
import { createCachedFleetView, type FleetView } from '../../src/registry/cached-fleet-view.js';
import type {
  FleetSnapshot,
  HealthRegistry,
  RegistryUnavailableError,
} from '../../src/registry/health-registry.js';
import { brokerNode } from '../support/broker-node.js';

export const TTL_MS = 1_000;
/** The default staleness bound: 5 × the TTL. */
export const MAX_STALENESS_MS = 5 * TTL_MS;
export const T0 = Date.parse('2026-11-26T12:00:00.000Z');

export function snapshot(...ids: string[]): FleetSnapshot {
  return { nodes: ids.map((id) => brokerNode(id)), rejected: [] };
}

/**
 * A registry whose every `listNodes` call waits until the test settles it, so
 * a test decides exactly when (and whether) a fetch lands.
 */
export function fakeRegistry() {
  const pending: Array<{ resolve: (s: FleetSnapshot) => void; reject: (e: unknown) => void }> = [];
  const registry: Pick<HealthRegistry, 'listNodes'> = {
    listNodes: () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
  };
  return {
    registry,
    calls: () => pending.length,
    /** Settles the latest call, then lets the cache's callbacks run. */
    async answer(result: FleetSnapshot | Error): Promise<void> {
      const call = pending.at(-1);
      if (!call) throw new Error('no listNodes call to answer');
      if (result instanceof Error) call.reject(result);
      else call.resolve(result);
      await tick();
    },
  };
}

export function setup() {
  const fake = fakeRegistry();
  const clock = { nowMs: T0 };
  const errors: RegistryUnavailableError[] = [];
  const fleet = createCachedFleetView({
    registry: fake.registry,
    ttlMs: TTL_MS,
    clock: () => clock.nowMs,
    onRefreshError: (error) => errors.push(error),
  });
  /** A cache holding `snapshot('b1')` fetched at T0. */
  async function primed() {
    const first = fleet.read();
    await fake.answer(snapshot('b1'));
    await first;
  }
  return { fake, clock, errors, fleet, primed };
}

export const ids = (view: FleetView) => view.snapshot.nodes.map((node) => node.id);
