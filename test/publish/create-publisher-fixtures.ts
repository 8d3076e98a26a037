/** Fakes of the publisher's ports (fleet view, pool, registry) for its unit tests. */
import type { BrokerNode } from '../../src/core/broker-node.js';
import type {
  AttemptFailure,
  AttemptOutcome,
  BrokerPool,
  PoolTarget,
} from '../../src/publish/broker-pool.js';
import { createPublisher, type PublisherOptions } from '../../src/publish/create-publisher.js';
import type { CachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { brokerNode } from '../support/broker-node.js';

export const now = Date.parse('2026-11-26T12:00:00.000Z');
export const healthy = (id: string, latencyMs = 1): BrokerNode =>
  brokerNode(id, {
    health: { state: 'healthy', since: '2026-11-26T11:00:00.000Z' },
    lastProbeAt: '2026-11-26T11:59:59.000Z',
    latencyMs,
  });

/** The registry cache, holding a fixed fleet: what the publisher reads is the input here. */
export function fixedFleet(nodes: BrokerNode[]): CachedFleetView & { invalidations: number } {
  const view = {
    invalidations: 0,
    read: async () => ({
      source: 'fresh' as const,
      snapshot: { nodes, rejected: [] },
      fetchedAtMs: now,
    }),
    invalidate: () => {
      view.invalidations += 1;
    },
  };
  return view;
}

/** A broker pool whose brokers answer as scripted; it records what went where. */
export function scriptedPool(answer: (target: PoolTarget, index: number) => AttemptOutcome) {
  const sent: { node: string; ids: string[]; timeoutMs: number }[] = [];
  const discarded: string[] = [];
  const pool: BrokerPool = {
    publish: async (target, _destination, messages, timeoutMs) => {
      sent.push({ node: target.id, ids: messages.map((m) => m.id), timeoutMs });
      return messages.map((_, index) => answer(target, index));
    },
    discard: (id) => void discarded.push(id),
    close: async () => undefined,
  };
  return { pool, sent, discarded };
}

export const fail = (failure: AttemptFailure): AttemptOutcome => ({ ok: false, failure });
export const closed = fail({ kind: 'closed', detail: 'connection closed' });
export const noConfirm = (afterMs: number) => fail({ kind: 'timeout', afterMs });

export const tasks = { kind: 'queue', queue: 'tasks' } as const;

/** A publisher whose outlier reports are recorded, in the order made. */
export function reportingPublisher(
  options: Omit<PublisherOptions, 'registry' | 'probeIntervalMs'>,
) {
  const reports: string[] = [];
  const publisher = createPublisher({
    ...options,
    registry: { reportOutlier: async (id) => void reports.push(id) },
    probeIntervalMs: 15_000,
  });
  return { publisher, reports };
}
