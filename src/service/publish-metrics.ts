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
    latency: 'PublishLatency',
  },
  dimensions: { transport: 'Transport', statusClass: 'StatusClass', code: 'Code' },
} as const;

export type PublishMetricName = (typeof PUBLISH_METRICS.names)[keyof typeof PUBLISH_METRICS.names];

/** How a request reached the publisher: a function URL / local HTTP, or a direct invoke. */
export type PublishTransport = 'http' | 'invoke';

/** What one request came to, as its transport answered it. */
export interface PublishRequestRecord {
  readonly requestId: string;
  readonly transport: PublishTransport;
  readonly status: number;
  /** Messages answered accepted; 0 when the request was refused as a whole. */
  readonly accepted: number;
  /** Failed messages' count by failure code (`no_broker_accepted`, `unroutable`…). */
  readonly failedByCode: Readonly<Record<string, number>>;
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
 * The metrics of one request: one request by transport and status class,
 * accepted and failed messages (failed also per code), and its latency. Zeros
 * are emitted too, so alarms and graphs see data.
 *
 * @example requestMetrics(record)[0] // { name: 'PublishRequests', unit: 'Count', value: 1, dimensions: { Transport: 'invoke', StatusClass: '5xx' } }
 */
export function requestMetrics(record: PublishRequestRecord): PublishMetricEntry[] {
  const failedCodes = Object.entries(record.failedByCode).filter(([, count]) => count > 0);
  const failed = failedCodes.reduce((sum, [, count]) => sum + count, 0);
  return [
    {
      name: NAMES.requests,
      unit: 'Count',
      value: 1,
      dimensions: {
        [DIMS.transport]: record.transport,
        [DIMS.statusClass]: statusClass(record.status),
      },
    },
    { name: NAMES.acceptedMessages, unit: 'Count', value: record.accepted },
    { name: NAMES.failedMessages, unit: 'Count', value: failed },
    ...failedCodes.map(
      ([code, count]) =>
        ({
          name: NAMES.failedMessages,
          unit: 'Count',
          value: count,
          dimensions: { [DIMS.code]: code },
        }) as const,
    ),
    { name: NAMES.latency, unit: 'Milliseconds', value: record.durationMs },
  ];
}

/**
 * A response body's message counts: accepted, and failed by code. A body
 * without `results` (an error answer) counts none.
 *
 * @example messageCounts({ results: [{ status: 'failed', code: 'unroutable' }] }) // { accepted: 0, failedByCode: { unroutable: 1 } }
 */
export function messageCounts(
  body: unknown,
): Pick<PublishRequestRecord, 'accepted' | 'failedByCode'> {
  const results =
    typeof body === 'object' && body !== null && 'results' in body && Array.isArray(body.results)
      ? (body.results as readonly { status?: unknown; code?: unknown }[])
      : [];
  let accepted = 0;
  const failedByCode: Record<string, number> = {};
  for (const result of results) {
    if (result.status === 'accepted') accepted += 1;
    else if (result.status === 'failed') {
      const code = typeof result.code === 'string' ? result.code : 'unknown';
      failedByCode[code] = (failedByCode[code] ?? 0) + 1;
    }
  }
  return { accepted, failedByCode };
}
