import { inject } from 'vitest';
import { DEFAULT_PROBE_OPTIONS, probeBroker } from '../../src/prober/probe-broker.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { startProberLoop } from '../../src/prober/prober-loop.js';
import { createAmqpBrokerPool } from '../../src/publish/amqp-broker-pool.js';
import { createPublisher, type PublisherPolicy } from '../../src/publish/create-publisher.js';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import type { HealthRegistry } from '../../src/registry/health-registry.js';
import { freshFleetRegistry } from './registry.js';

export const credentials = { username: 'guest', password: 'guest' };
export const testProbeOptions = {
  ...DEFAULT_PROBE_OPTIONS,
  tcpTimeoutMs: 500,
  amqpTimeoutMs: 1_000,
  publishTimeoutMs: 1_000,
  managementTimeoutMs: 1_000,
  credentials,
};
export const probe = (target: Parameters<typeof probeBroker>[0]) =>
  probeBroker(target, testProbeOptions);

/** The harness brokers as AMQP URLs with credentials. */
export function brokerUrls(): { id: string; url: string }[] {
  return inject('fleet').brokers.map((broker) => ({ id: broker.id, url: broker.local?.url ?? '' }));
}

/**
 * A publisher over a fresh registry of the harness brokers, probed once so they
 * are healthy; optionally with a prober loop running, as in a deployment.
 */
export async function publishingSetup(
  options: {
    proberIntervalMs?: number;
    policy?: Partial<PublisherPolicy>;
    cacheTtlMs?: number;
  } = {},
) {
  const { registry } = await freshFleetRegistry();
  await runProbeRound({ registry, probe, refreshAfterMs: 0 });
  return publisherOver(registry, options);
}

export function publisherOver(
  registry: HealthRegistry,
  options: {
    proberIntervalMs?: number;
    policy?: Partial<PublisherPolicy>;
    cacheTtlMs?: number;
  } = {},
) {
  const probeIntervalMs = options.proberIntervalMs ?? 60_000;
  const loop =
    options.proberIntervalMs !== undefined
      ? startProberLoop({
          registry,
          probe,
          holder: 'test',
          intervalMs: probeIntervalMs,
          refreshAfterMs: probeIntervalMs,
        })
      : undefined;
  const fleet = createCachedFleetView({
    registry,
    ttlMs: options.cacheTtlMs ?? 200,
    clock: Date.now,
  });
  const pool = createAmqpBrokerPool({ credentialsFor: async () => credentials });
  const publisher = createPublisher({
    fleet,
    pool,
    registry,
    probeIntervalMs,
    ...(options.policy && { policy: options.policy }),
  });
  return {
    registry,
    fleet,
    publisher,
    async close() {
      await loop?.stop();
      await pool.close();
    },
  };
}
