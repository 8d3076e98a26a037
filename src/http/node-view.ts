import { redactAmqpUrl } from '../core/amqp-endpoint.js';
import type { AdminState, BrokerNode, HealthState } from '../core/broker-node.js';
import { hasOutlierReport } from '../core/node-selection.js';
import { isStale } from '../core/staleness.js';

/** A broker as `GET /v1/nodes` shows it. */
export interface NodeView {
  readonly id: string;
  readonly endpoint: string;
  readonly managementEndpoint: string | null;
  readonly az: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly health: HealthState;
  readonly admin: AdminState;
  readonly stale: boolean;
  readonly lastProbeAt: string | null;
  readonly latencyMs: number | null;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly flapCount: number;
  readonly holdDownUntil: string | null;
  /** A publisher's latest report of this broker failing, when newer than its last probe. */
  readonly outlierReportedAt: string | null;
  readonly registeredAt: string;
}

export function toNodeView(node: BrokerNode, nowMs: number, probeIntervalMs: number): NodeView {
  return {
    id: node.id,
    endpoint: redactAmqpUrl(node.endpoint),
    managementEndpoint: node.managementEndpoint ? redactAmqpUrl(node.managementEndpoint) : null,
    az: node.az ?? null,
    labels: node.labels,
    health: node.health,
    admin: node.admin,
    stale: isStale(node, nowMs, probeIntervalMs),
    lastProbeAt: node.lastProbeAt ?? null,
    latencyMs: node.latencyMs ?? null,
    consecutiveFailures: node.consecutiveFailures,
    consecutiveSuccesses: node.consecutiveSuccesses,
    flapCount: node.flapCount,
    holdDownUntil: node.holdDownUntil ?? null,
    outlierReportedAt: hasOutlierReport(node) ? (node.outlierReportedAt ?? null) : null,
    registeredAt: node.registeredAt,
  };
}
