import { createAmqpBrokerPool } from '../publish/amqp-broker-pool.js';
import type { CredentialsFor } from '../publish/broker-pool.js';
import { createPublisher } from '../publish/create-publisher.js';
import type { Publisher } from '../publish/publisher.js';
import { createCachedFleetView } from '../registry/cached-fleet-view.js';
import type { HealthRegistry, RegistryUnavailableError } from '../registry/health-registry.js';
import { createSnapshotFleetReader } from '../registry/snapshot-fleet-reader.js';
import { type PublishService, publishService } from './publish-service.js';
import { type PublishSettings, resolvePublishSettings } from './publish-settings.js';

/** What a publish service is built on, besides its settings. */
export interface PublishServiceDeps {
  /**
   * Read through the cache; told of every broker failure (passive outlier
   * detection). A registry that keeps a fleet snapshot (`DynamoDbHealthRegistry`
   * does) is read one snapshot copy per refresh; otherwise every broker item.
   */
  readonly registry: Pick<HealthRegistry, 'listNodes' | 'reportOutlier' | 'snapshots'>;
  /** The AMQP credentials for a broker; with `refused`, after that broker refused them. */
  readonly credentialsFor: CredentialsFor;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * This service's id among publishers, which picks its broker subset.
   * Default the publisher's own: a random UUID drawn once per service (in the
   * Lambda, built at module scope, one per warm container).
   */
  readonly containerId?: string;
  readonly onInternalError?: (error: unknown) => void;
  readonly onRefreshError?: (error: RegistryUnavailableError) => void;
}

/** A publish service that owns its broker connections. */
export interface OwnedPublishService extends PublishService {
  /** The in-process publisher underneath, for callers that skip request validation. */
  readonly publisher: Publisher;
  /** Closes every broker connection. */
  close(): Promise<void>;
}

/**
 * The one assembly of the edge publisher: registry → cached view → broker
 * pool → publisher → request path. The publish Lambda, the local fleet,
 * tests and benches all build it here; `settings` overrides the defaults of
 * `DEFAULT_PUBLISH_SETTINGS` field by field.
 *
 * @example
 * const service = createPublishService({ cacheTtlMs: 1_000 }, { registry, credentialsFor: async () => ({ username: 'guest', password: 'guest' }) });
 * const { results } = await service.publish({ queue: 'tasks', messages: [{ body: { job: 42 } }] });
 * await service.close();
 */
export function createPublishService(
  settings: Partial<PublishSettings>,
  deps: PublishServiceDeps,
): OwnedPublishService {
  const resolved = resolvePublishSettings(settings);
  const clock = deps.clock ?? Date.now;
  const cached = (registry: Pick<HealthRegistry, 'listNodes'>) =>
    createCachedFleetView({
      registry,
      ttlMs: resolved.cacheTtlMs,
      ...(resolved.maxStalenessMs !== undefined && { maxStalenessMs: resolved.maxStalenessMs }),
      refreshTimeoutMs: resolved.registryRefreshTimeoutMs,
      clock,
      ...(deps.onRefreshError && { onRefreshError: deps.onRefreshError }),
    });
  const { snapshots } = deps.registry;
  // Routing reads one snapshot item per refresh (docs/registry-cost.md); staleness bound,
  // last known good view and panic mode apply to it as to the whole Query.
  const fleet = cached(
    snapshots ? createSnapshotFleetReader({ snapshots, fallback: deps.registry }) : deps.registry,
  );
  // GET /v1/nodes shows what a snapshot leaves out (labels, counters, reasons, fresh outlier
  // reports), so it reads the broker items; refreshes start on its reads only, so it costs
  // nothing until an operator asks.
  const nodes = snapshots ? cached(deps.registry) : fleet;
  const pool = createAmqpBrokerPool({
    credentialsFor: deps.credentialsFor,
    ...(resolved.caCertPem !== undefined && { caCertPem: resolved.caCertPem }),
  });
  const publisher = createPublisher({
    fleet,
    pool,
    registry: deps.registry,
    probeIntervalMs: resolved.probeIntervalMs,
    policy: {
      deadlineMs: resolved.deadlineMs,
      attemptTimeoutMs: resolved.attemptTimeoutMs,
      replicas: resolved.replicas,
      subsetSize: resolved.subsetSize,
    },
    clock,
    ...(deps.containerId !== undefined && { containerId: deps.containerId }),
  });
  const service = publishService({
    fleet,
    nodes,
    publisher,
    topology: resolved.topology,
    probeIntervalMs: resolved.probeIntervalMs,
    limits: resolved.limits,
    deadlineMs: resolved.deadlineMs,
    onInternalError: deps.onInternalError,
  });
  return { ...service, publisher, close: () => pool.close() };
}
