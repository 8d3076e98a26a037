import type { AttemptFailure } from '../publish/broker-pool.js';
import type { ViewSource } from '../publish/publish-telemetry.js';

/**
 * The publish path's CloudWatch metrics: namespace, `service` dimension and
 * metric names. The publish Lambda emits them (functions/publish.ts) and the
 * CDK stacks alarm and chart on them (infra/service-monitoring.ts) by these
 * constants, never by literal.
 */
export const PUBLISH_METRICS = {
  namespace: 'Warren',
  service: 'warren-publish',
  names: {
    /** Requests, by `Transport` (http/invoke) and `StatusClass` (2xx/4xx/5xx). */
    requests: 'PublishRequests',
    acceptedMessages: 'AcceptedMessages',
    /** Messages answered `failed`, in total and by failure `Code`. */
    failedMessages: 'FailedMessages',
    /** Message copies moved to another broker after theirs failed an attempt. */
    failoverMessages: 'FailoverMessages',
    /** Requests routed in panic mode: too few eligible brokers, or no trustworthy registry. */
    panicRequests: 'PanicRequests',
    /** Requests routed on the last known good view because the registry did not answer. */
    staleViewFallbacks: 'StaleViewFallbacks',
    /** Broker attempts that failed through the broker's fault, in total and by `NodeId`. */
    attemptFailures: 'AttemptFailures',
    latency: 'PublishLatency',
  },
  dimensions: {
    transport: 'Transport',
    statusClass: 'StatusClass',
    code: 'Code',
    nodeId: 'NodeId',
  },
} as const;

export type PublishMetricName = (typeof PUBLISH_METRICS.names)[keyof typeof PUBLISH_METRICS.names];

/** How a request reached the publisher: a function URL / local HTTP, or a direct invoke. */
export type PublishTransport = 'http' | 'invoke';

/** One broker attempt that failed, as logged: no detail (addresses, broker text) beyond its kind. */
export interface AttemptFailureRecord {
  readonly node: string;
  readonly kind: AttemptFailure['kind'];
  readonly messages: number;
  /** Of those, the copies moved to another broker. */
  readonly retried: number;
}

/** What the publisher did for a request that reached it (passed validation). */
export interface RequestRouting {
  readonly view: ViewSource;
  readonly panic: boolean;
  /** Message copies moved to another broker after theirs failed. */
  readonly failedOver: number;
  readonly attemptFailures: readonly AttemptFailureRecord[];
}

/** What one request came to, as its transport answered it. */
export interface PublishRequestRecord {
  readonly requestId: string;
  readonly transport: PublishTransport;
  readonly status: number;
  /** Messages answered accepted; 0 when the request was refused as a whole. */
  readonly accepted: number;
  /** Failed messages' count by failure code (`no_broker_accepted`, `unroutable`…). */
  readonly failedByCode: Readonly<Record<string, number>>;
  /** Absent when the request never reached the publisher (refused, not found, registry down). */
  readonly routing?: RequestRouting;
  readonly durationMs: number;
}

/** One CloudWatch metric value, independent of the library that emits it. */
export interface PublishMetricEntry {
  readonly name: PublishMetricName;
  readonly unit: 'Count' | 'Milliseconds';
  readonly value: number;
  /** Dimensions of this value alone: an emitter writes each dimensioned entry as its own record. */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/** `503` → `5xx`: the class alarms count by. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

const NAMES = PUBLISH_METRICS.names;
const DIMS = PUBLISH_METRICS.dimensions;

/**
 * The metrics of one request: one request by transport and status class;
 * accepted and failed messages (failed also per code); failed-over copies,
 * panic mode, a stale-view fallback and broker attempt failures (also per
 * broker); its latency. Undimensioned values are emitted as zeros too, so
 * alarms and graphs see data.
 *
 * @example requestMetrics(record)[0] // { name: 'PublishRequests', unit: 'Count', value: 1, dimensions: { Transport: 'invoke', StatusClass: '5xx' } }
 */
export function requestMetrics(record: PublishRequestRecord): PublishMetricEntry[] {
  const count = (name: PublishMetricName, value: number, dimensions?: Record<string, string>) =>
    ({ name, unit: 'Count', value, ...(dimensions && { dimensions }) }) as const;
  const failedCodes = Object.entries(record.failedByCode).filter(([, n]) => n > 0);
  const routing = record.routing;
  const failuresByNode = new Map<string, number>();
  for (const failure of routing?.attemptFailures ?? []) {
    failuresByNode.set(failure.node, (failuresByNode.get(failure.node) ?? 0) + 1);
  }
  return [
    count(NAMES.requests, 1, {
      [DIMS.transport]: record.transport,
      [DIMS.statusClass]: statusClass(record.status),
    }),
    count(NAMES.acceptedMessages, record.accepted),
    count(
      NAMES.failedMessages,
      failedCodes.reduce((sum, [, n]) => sum + n, 0),
    ),
    ...failedCodes.map(([code, n]) => count(NAMES.failedMessages, n, { [DIMS.code]: code })),
    count(NAMES.failoverMessages, routing?.failedOver ?? 0),
    count(NAMES.panicRequests, routing?.panic ? 1 : 0),
    count(NAMES.staleViewFallbacks, routing?.view === 'last-known-good' ? 1 : 0),
    count(NAMES.attemptFailures, routing?.attemptFailures.length ?? 0),
    ...[...failuresByNode].map(([node, n]) =>
      count(NAMES.attemptFailures, n, { [DIMS.nodeId]: node }),
    ),
    { name: NAMES.latency, unit: 'Milliseconds', value: record.durationMs },
  ];
}
