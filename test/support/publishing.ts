import { inject } from 'vitest';
import { DEFAULT_PROBE_OPTIONS, probeBroker } from '../../src/prober/probe-broker.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import type { HealthRegistry } from '../../src/registry/health-registry.js';
import { createProberService } from '../../src/service/create-prober-service.js';
import { createPublishService } from '../../src/service/create-publish-service.js';
import type { PublishSettings } from '../../src/service/publish-settings.js';
import { freshFleetRegistry } from './registry.js';

export const credentials = { username: 'guest', password: 'guest' };
const credentialsFor = async () => credentials;
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

export interface PublishingOptions {
  /** Runs a prober loop this often, as in a deployment; without it nothing probes. */
  readonly proberIntervalMs?: number;
  /** Default 200 ms, so a test sees the registry change within a fraction of a second. */
  readonly cacheTtlMs?: number;
  /** Any other publish settings (topology, deadline, …); the defaults otherwise. */
  readonly settings?: Partial<PublishSettings>;
  /** The publisher's id for its broker subset; a random one otherwise. */
  readonly containerId?: string;
}

/**
 * A publish service over a fresh registry of the harness brokers, probed once
 * so they are healthy; optionally with a prober loop running, as in a deployment.
 */
export async function publishingSetup(options: PublishingOptions = {}) {
  const { registry } = await freshFleetRegistry();
  await runProbeRound({ registry, probe, refreshAfterMs: 0 });
  return publisherOver(registry, options);
}

/** The publish (and optionally prober) service assembled as the Lambda and the local fleet do. */
export function publisherOver(registry: HealthRegistry, options: PublishingOptions = {}) {
  const probeIntervalMs = options.proberIntervalMs ?? 60_000;
  const loop =
    options.proberIntervalMs !== undefined
      ? createProberService(
          { probeIntervalMs, probeTimeoutMs: 1_000 },
          { registry, credentialsFor },
        ).start({ holder: 'test' })
      : undefined;
  const service = createPublishService(
    { probeIntervalMs, cacheTtlMs: options.cacheTtlMs ?? 200, ...options.settings },
    { registry, credentialsFor, ...(options.containerId && { containerId: options.containerId }) },
  );
  return {
    registry,
    service,
    fleet: service.fleet,
    publisher: service.publisher,
    async close() {
      await loop?.stop();
      await service.close();
    },
  };
}
