import type { BrokerNode } from '../core/broker-node.js';

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

/** The registry could not be read or written. */
export class RegistryUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RegistryUnavailableError';
  }
}

/** The broker registry: where the fleet and its health live. */
export interface HealthRegistry {
  /** Every broker, in id order; one read. */
  listNodes(): Promise<FleetSnapshot>;
  /**
   * Adds a broker (admin `active`, health `initial`) or updates the endpoint
   * of an existing one, leaving its health and admin state alone.
   */
  registerNode(registration: NodeRegistration, now: Date): Promise<'created' | 'updated'>;
}
