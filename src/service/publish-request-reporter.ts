import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { addMetricEntries } from './add-metric-entries.js';
import { type PublishRequestRecord, requestMetrics } from './publish-metrics.js';

/** The message of every request's log line, in the Lambda and in the local API's log. */
export const REQUEST_LOG_MESSAGE = 'publish request';

/**
 * A request's log line fields: request id, transport, status, message counts,
 * duration and, when it reached the publisher, the view it routed on, panic
 * mode, failed-over copies and each broker attempt that failed (node and kind).
 *
 * @example logger.info(REQUEST_LOG_MESSAGE, requestLogFields(record));
 */
export function requestLogFields(record: PublishRequestRecord): Record<string, unknown> {
  const failed = Object.values(record.failedByCode).reduce((sum, count) => sum + count, 0);
  return {
    requestId: record.requestId,
    transport: record.transport,
    status: record.status,
    accepted: record.accepted,
    failed,
    failedByCode: record.failedByCode,
    ...(record.routing && {
      view: record.routing.view,
      panic: record.routing.panic,
      failedOver: record.routing.failedOver,
      attemptFailures: record.routing.attemptFailures,
    }),
    durationMs: Math.round(record.durationMs * 10) / 10,
  };
}

/**
 * The publish Lambda's per-request telemetry: one structured log line
 * (`requestLogFields`) and the request's metrics (`requestMetrics`), flushed
 * once per request as EMF. A dimensioned value is its own EMF record, as
 * Powertools applies dimensions to a whole record.
 *
 * @example createLambdaHandler(service, { onRequest: createPublishRequestReporter({ logger, metrics }) });
 */
export function createPublishRequestReporter(options: {
  readonly logger: Logger;
  readonly metrics: Metrics;
}): (record: PublishRequestRecord) => void {
  const { logger, metrics } = options;
  return (record) => {
    logger.info(REQUEST_LOG_MESSAGE, requestLogFields(record));
    addMetricEntries(metrics, requestMetrics(record));
    metrics.publishStoredMetrics();
  };
}
