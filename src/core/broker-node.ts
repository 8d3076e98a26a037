/**
 * A broker as the registry knows it. Health is written only by the prober,
 * admin state only by operators; readers derive `stale` from the last probe.
 */
export type HealthState =
  | { readonly state: 'initial' }
  | { readonly state: 'healthy'; readonly since: string }
  | { readonly state: 'degraded'; readonly since: string; readonly reason: string }
  | { readonly state: 'blocked'; readonly since: string; readonly reason: string }
  | { readonly state: 'unhealthy'; readonly since: string; readonly reason: string };

export type HealthStateName = HealthState['state'];

export const ADMIN_STATES = ['active', 'draining', 'maintenance', 'retired'] as const;
export type AdminStateName = (typeof ADMIN_STATES)[number];

export interface AdminState {
  readonly state: AdminStateName;
  readonly since: string;
}

export interface BrokerNode {
  readonly id: string;
  /** AMQP(S) endpoint without credentials, e.g. `amqp://10.0.1.5:5672`. */
  readonly endpoint: string;
  /** RabbitMQ management API base URL, when the broker exposes one. */
  readonly managementEndpoint?: string;
  readonly az?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly health: HealthState;
  readonly admin: AdminState;
  readonly registeredAt: string;
  readonly lastProbeAt?: string;
  readonly lastTransitionAt?: string;
  readonly latencyMs?: number;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  readonly flapCount: number;
  readonly holdDownUntil?: string;
  /** When a publisher last reported this broker failing; superseded by the next probe. */
  readonly outlierReportedAt?: string;
  /** Sequence number of the probe that last wrote health; only ever grows. */
  readonly probeSeq: number;
  /** Optimistic-locking version of the item; every write increments it. */
  readonly version: number;
}
