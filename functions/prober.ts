/**
 * The prober Lambda, run by an EventBridge schedule once a minute: a few probe
 * rounds per run, under the prober lease. A composition root: config, clients,
 * logger and metrics are built once per container, at module scope, so warm
 * invocations reuse them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { type AmqpCredentials, createAmqpCredentialsSource } from '../src/amqp/amqp-credentials.js';
import { ConfigError, type ProberConfig, readProberConfig } from '../src/config.js';
import { REFRESH_AFTER_INTERVALS } from '../src/core/staleness.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import {
  DEFAULT_PROBE_OPTIONS,
  isAuthenticationRefused,
  probeBroker,
} from '../src/prober/probe-broker.js';
import {
  type ProberInvocationResult,
  roundBudgetMs,
  runProberInvocation,
} from '../src/prober/prober-invocation.js';
import {
  INVOCATION_FAILED_METRIC,
  invocationLogAttributes,
  invocationMetrics,
  type MetricEntry,
  roundLogAttributes,
  roundMetrics,
} from '../src/prober/round-telemetry.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';

const SERVICE = 'warren-prober';
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: 'Warren', serviceName: SERVICE });
// A bad configuration is reported by every invocation (a log line, a metric and an
// `{ error }` result) rather than as an init crash that hands the invoker a stack.
const prober = createProber();

function createProber() {
  let config: ProberConfig;
  try {
    config = readProberConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  const { documentClient } = createDynamoDbClients();
  const registry = new DynamoDbHealthRegistry({
    client: documentClient,
    tableName: config.registryTableName,
  });
  const secretsManager =
    config.amqpCredentials.source === 'secret' ? new SecretsManagerClient({}) : undefined;
  const credentials = createAmqpCredentialsSource(config.amqpCredentials, {
    ...(secretsManager && { secretsManager }),
  });
  const timeoutMs = config.probeTimeoutMs;
  const probeOptions = {
    ...DEFAULT_PROBE_OPTIONS,
    ...(timeoutMs !== undefined && {
      tcpTimeoutMs: timeoutMs,
      amqpTimeoutMs: timeoutMs,
      publishTimeoutMs: timeoutMs,
      managementTimeoutMs: timeoutMs,
    }),
    // EC2 brokers speak only amqps:// and https://, with certificates from the fleet CA.
    ...(config.amqpCaCertPem !== undefined && { caCertPem: config.amqpCaCertPem }),
  };
  const jitterMs = Math.min(1_000, config.probeIntervalMs / 10);
  return { config, registry, credentials, probeOptions, jitterMs };
}

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
 * Runs one scheduled prober invocation and returns its summary; failures come
 * back as `{ error }` (and an `InvocationErrors` metric), never as a stack.
 *
 * @example await handler({ 'detail-type': 'Scheduled Event', source: 'aws.events' }, context); // { rounds: [...], leaseHeldElsewhere: false, stoppedEarly: false }
 */
export const handler = async (
  event: unknown,
  context: ProberContext,
): Promise<ProberHandlerResult> => {
  logger.addContext(context);
  try {
    if (prober instanceof ConfigError) return fail(prober.message, { error: prober });
    const parsed = invocationEvent.safeParse(event);
    if (!parsed.success)
      return fail('malformed event: expected an EventBridge scheduled event or {}', {
        issues: parsed.error.issues,
      });
    const { config, registry, credentials, probeOptions, jitterMs } = prober;
    // Fails the invocation, as before, when the secret cannot be read at all.
    await credentials.get();
    // What each broker was last probed with, so a refused pair is the one refreshed.
    const usedBy = new Map<string, AmqpCredentials>();
    const result = await runProberInvocation({
      registry,
      holder: `${SERVICE}:${context.awsRequestId}`,
      rounds: config.probeRounds,
      intervalMs: config.probeIntervalMs,
      refreshAfterMs: REFRESH_AFTER_INTERVALS * config.probeIntervalMs,
      jitterMs,
      roundBudgetMs: roundBudgetMs(probeOptions, jitterMs),
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
      // Within the max age Powertools' cache answers; after a refresh, the refreshed pair.
      probe: async (target) => {
        const used = await credentials.get();
        usedBy.set(target.id, used);
        return probeBroker(target, { ...probeOptions, credentials: used });
      },
      onRound: (summary) => {
        logger.info('probe round', roundLogAttributes(summary));
        emit(roundMetrics(summary));
        // Refused credentials may have been rotated: read the secret again now, so the
        // next round (its probes' `get` shares this read) uses the new one.
        const refused = Object.entries(summary.outcomes)
          .filter(([, outcome]) => isAuthenticationRefused(outcome))
          .map(([id]) => usedBy.get(id));
        for (const used of new Set(refused)) {
          if (!used) continue;
          void credentials
            .refresh(used)
            .catch((error: unknown) =>
              logger.warn('could not read the AMQP credentials secret again', { error }),
            );
        }
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

/** Logs the details (a stack stays in the logs) and answers the caller with `message` alone. */
function fail(message: string, details: Record<string, unknown>): { error: string } {
  logger.error(message, details);
  emit([INVOCATION_FAILED_METRIC]);
  return { error: message };
}

function emit(entries: readonly MetricEntry[]): void {
  for (const { name, unit, value, dimensions } of entries) {
    if (!dimensions) {
      metrics.addMetric(name, unit, value);
      continue;
    }
    // Powertools applies dimensions to a whole EMF record: a dimensioned value gets its own.
    const single = metrics.singleMetric();
    for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
    single.addMetric(name, unit, value);
  }
}
