import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { addMetricEntries } from './add-metric-entries.js';
import { type PublishRequestRecord, requestMetrics } from './publish-metrics.js';

/**
 * The publish Lambda's per-request telemetry: one structured log line (request
 * id, transport, status, message counts, duration) and the request's metrics
 * (`requestMetrics`), flushed once per request as EMF. A dimensioned value is
 * its own EMF record, as Powertools applies dimensions to a whole record.
 *
 * @example createLambdaHandler(service, { onRequest: createPublishRequestReporter({ logger, metrics }) });
 */
export function createPublishRequestReporter(options: {
  readonly logger: Logger;
  readonly metrics: Metrics;
}): (record: PublishRequestRecord) => void {
  const { logger, metrics } = options;
  return (record) => {
    const failed = Object.values(record.failedByCode).reduce((sum, count) => sum + count, 0);
    logger.info('publish request', {
      requestId: record.requestId,
      transport: record.transport,
      status: record.status,
      accepted: record.accepted,
      failed,
      failedByCode: record.failedByCode,
      durationMs: Math.round(record.durationMs),
    });
    addMetricEntries(metrics, requestMetrics(record));
    metrics.publishStoredMetrics();
  };
}
