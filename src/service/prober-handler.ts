import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import type { ProberInvocationResult } from '../prober/prober-invocation.js';
import { PROBER_METRICS } from '../prober/prober-metrics.js';
import {
  INVOCATION_FAILED_METRIC,
  invocationLogAttributes,
  invocationMetrics,
  type MetricEntry,
  roundLogAttributes,
  roundMetrics,
} from '../prober/round-telemetry.js';
import { addMetricEntries } from './add-metric-entries.js';
import type { ProberService } from './create-prober-service.js';

// Loose on purpose: a scheduled event, or `{}` (or nothing) from a manual invoke.
const invocationEvent = z
  .looseObject({ id: z.string().optional(), time: z.string().optional() })
  .nullish();

/** The parts of the Lambda context the prober uses. */
export interface ProberContext {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export type ProberHandlerResult = ProberInvocationResult | { readonly error: string };

/**
 * The prober Lambda's handler: one scheduled invocation per call, logged and
 * measured with Powertools. Failures come back as `{ error }` (and an
 * `InvocationErrors` metric), never as a stack. A `service` that could not be
 * built (a bad configuration) is reported by every invocation rather than as
 * an init crash that hands the invoker a stack.
 *
 * @example export const handler = createProberHandler({ service, logger, metrics });
 */
export function createProberHandler(options: {
  readonly service: ProberService | Error;
  readonly logger: Logger;
  readonly metrics: Metrics;
}) {
  const { service, logger, metrics } = options;

  /** Logs the details (a stack stays in the logs) and answers the caller with `message` alone. */
  const fail = (message: string, details: Record<string, unknown>): { error: string } => {
    logger.error(message, details);
    emit([INVOCATION_FAILED_METRIC]);
    return { error: message };
  };
  const emit = (entries: readonly MetricEntry[]): void => addMetricEntries(metrics, entries);

  return async (event: unknown, context: ProberContext): Promise<ProberHandlerResult> => {
    logger.addContext(context);
    try {
      if (service instanceof Error) return fail(service.message, { error: service });
      const parsed = invocationEvent.safeParse(event);
      if (!parsed.success)
        return fail('malformed event: expected an EventBridge scheduled event or {}', {
          issues: parsed.error.issues,
        });
      const result = await service.runInvocation({
        holder: `${PROBER_METRICS.service}:${context.awsRequestId}`,
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        onRound: (summary) => {
          logger.info('probe round', roundLogAttributes(summary));
          emit(roundMetrics(summary));
        },
        onReleaseError: (error) =>
          logger.warn('could not release the prober lease; it will expire', { error }),
      });
      logger.info('probe invocation', {
        ...invocationLogAttributes(result),
        event: { id: parsed.data?.id, time: parsed.data?.time },
      });
      emit(invocationMetrics(result));
      return result;
    } catch (error) {
      return fail(
        `probe invocation failed: ${error instanceof Error ? error.message : String(error)}`,
        { error },
      );
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
