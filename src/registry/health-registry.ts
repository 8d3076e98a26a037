import type { AdminStateName, BrokerNode } from '../core/broker-node.js';
import type { HealthWrite } from '../core/probe-round-plan.js';
import type { FleetSnapshots } from './fleet-snapshots.js';

export type { HealthWrite };

export interface NodeRegistration {
  readonly id: string;
  /** AMQP(S) endpoint; credentials are rejected, they never enter the registry. */
  readonly endpoint: string;
  readonly managementEndpoint?: string;
  readonly az?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** An item that exists in the table but does not decode as a broker. */
export interface RejectedItem {
  readonly key: string;
  readonly reason: string;
}

export interface FleetSnapshot {
  readonly nodes: readonly BrokerNode[];
  readonly rejected: readonly RejectedItem[];
}

/** The prober lease and heartbeat: which prober loop is active, and when it last finished a round. */
export interface ProberLease {
  readonly holder: string;
  readonly expiresAt: string;
  readonly heartbeatAt?: string;
  /** Free-form summary of the holder's last round, for operators. */
  readonly lastRound?: Readonly<Record<string, unknown>>;
}

/** No broker with this id is registered. */
export class NodeNotFoundError extends Error {
  readonly nodeId: string;
  constructor(nodeId: string) {
    super(`no broker "${nodeId}" in the registry`);
    this.name = 'NodeNotFoundError';
    this.nodeId = nodeId;
  }
}

/** The registry could not be read or written. */
export class RegistryUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistryUnavailableError';
  }
}

/** The broker registry: where the fleet and its health live. */
export interface HealthRegistry {
  /**
   * The fleet snapshot publishers route on, when this registry keeps one: the
   * prober publishes it after each round, `setAdminState` after each change.
   * Without it, publishers read every broker item.
   */
  readonly snapshots?: FleetSnapshots;
  /** Every broker, in id order; one read. */
  listNodes(): Promise<FleetSnapshot>;
  /**
   * Adds a broker (admin `active`, health `initial`) or updates the endpoint
   * of an existing one, leaving its health and admin state alone. An update
   * republishes the fleet snapshot (the endpoint may have moved); a new broker
   * reaches publishers with the prober's next round, which makes it eligible.
   */
  registerNode(registration: NodeRegistration, now: Date): Promise<'created' | 'updated'>;
  /** Writes probe results; `conflict` when the item moved on (newer probe, other prober). Never touches admin state. */
  recordHealth(write: HealthWrite): Promise<'written' | 'conflict'>;
  /**
   * A publisher saw this broker fail (passive outlier detection): other publishers
   * avoid it until the prober's next probe of it. Touches neither health nor admin state.
   */
  reportOutlier(id: string, now: Date): Promise<void>;
  /**
   * An operator's decision; never touches health. Republishes the fleet snapshot
   * (when the registry keeps one), so publishers see it within one cache TTL.
   * Throws NodeNotFoundError for an unknown id.
   */
  setAdminState(id: string, state: AdminStateName, now: Date): Promise<void>;
  /** Takes or renews the prober lease; false while another holder's lease is unexpired. */
  acquireLease(
    holder: string,
    now: Date,
    ttlMs: number,
    lastRound?: Record<string, unknown>,
  ): Promise<boolean>;
  /** Gives the lease up early, so the next prober need not wait for it to expire. */
  releaseLease(holder: string, now: Date): Promise<void>;
  readLease(): Promise<ProberLease | undefined>;
}
