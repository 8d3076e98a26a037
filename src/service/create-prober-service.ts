import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import type { ProbeOutcome } from '../core/probe-outcome.js';
import { REFRESH_AFTER_INTERVALS } from '../core/staleness.js';
import {
  DEFAULT_PROBE_OPTIONS,
  isAuthenticationRefused,
  type ProbeTarget,
  probeBroker,
} from '../prober/probe-broker.js';
import type { RoundSummary } from '../prober/probe-round.js';
import {
  type ProberInvocationResult,
  roundBudgetMs,
  runProberInvocation,
} from '../prober/prober-invocation.js';
import { type ProberLoop, startProberLoop } from '../prober/prober-loop.js';
import type { CredentialsFor } from '../publish/broker-pool.js';
import type { HealthRegistry } from '../registry/health-registry.js';
import { DEFAULT_PROBER_SETTINGS, type ProberSettings, probeJitterMs } from './prober-settings.js';

/** What a prober service is built on, besides its settings. */
export interface ProberServiceDeps {
  readonly registry: HealthRegistry;
  /** The AMQP credentials for a broker; with `refused`, after that broker refused them. */
  readonly credentialsFor: CredentialsFor;
  /**
   * Awaited before an invocation probes anything: the Lambda reads its
   * credentials secret here, so a secret it cannot read fails the invocation
   * instead of reading as every broker failing.
   */
  readonly ready?: () => Promise<unknown>;
  /** Told when the credentials of a refusing broker could not be read again. */
  readonly onCredentialsError?: (error: unknown) => void;
}

export interface ProberService {
  readonly settings: ProberSettings;
  /** Probes one broker, every stage, with its current credentials. */
  probe(target: ProbeTarget): Promise<ProbeOutcome>;
  /** One scheduled run under the prober lease: up to `probeRounds` rounds, stopping before time runs out. */
  runInvocation(options: {
    readonly holder: string;
    readonly remainingTimeMs: () => number;
    readonly onRound?: (summary: RoundSummary) => void;
    readonly onReleaseError?: (error: unknown) => void;
  }): Promise<ProberInvocationResult>;
  /** Probes every `probeIntervalMs` in this process, under the lease, until stopped. */
  start(options: {
    readonly holder: string;
    readonly onRound?: (summary: RoundSummary) => void;
    readonly onError?: (error: unknown) => void;
  }): ProberLoop;
}

/**
 * The one assembly of the prober: probe options from the settings, the
 * credentials of each broker, rounds under the lease. The prober Lambda
 * (`runInvocation`), the local fleet (`start`), tests and benches build it
 * here. A broker refusing its credentials has them read again after the
 * round, so the next round uses a rotated secret.
 *
 * @example
 * const prober = createProberService({ probeIntervalMs: 2_000 }, { registry, credentialsFor: async () => credentials });
 * const loop = prober.start({ holder: 'warren-dev' });
 */
export function createProberService(
  settings: Partial<ProberSettings>,
  deps: ProberServiceDeps,
): ProberService {
  const resolved: ProberSettings = { ...DEFAULT_PROBER_SETTINGS, ...settings };
  const timeoutMs = resolved.probeTimeoutMs;
  const probeOptions = {
    ...DEFAULT_PROBE_OPTIONS,
    ...(timeoutMs !== undefined && {
      tcpTimeoutMs: timeoutMs,
      amqpTimeoutMs: timeoutMs,
      publishTimeoutMs: timeoutMs,
      managementTimeoutMs: timeoutMs,
    }),
    ...(resolved.caCertPem !== undefined && { caCertPem: resolved.caCertPem }),
  };
  const jitterMs = probeJitterMs(resolved);
  const intervalMs = resolved.probeIntervalMs;
  const refreshAfterMs = REFRESH_AFTER_INTERVALS * intervalMs;
  const limits = {
    probeConcurrency: resolved.probeConcurrency,
    healthWritesPerSecond: resolved.healthWritesPerSecond,
  };
  // What each broker was last probed with, so a refused pair is the one read again.
  const usedBy = new Map<string, { target: ProbeTarget; used: AmqpCredentials }>();

  const probe = async (target: ProbeTarget) => {
    const used = await deps.credentialsFor(target);
    usedBy.set(target.id, { target, used });
    return probeBroker(target, { ...probeOptions, credentials: used });
  };
  const rereadRefused = (summary: RoundSummary) => {
    const refreshed = new Set<AmqpCredentials>();
    for (const [id, outcome] of Object.entries(summary.outcomes)) {
      const entry = usedBy.get(id);
      if (!entry || !isAuthenticationRefused(outcome) || refreshed.has(entry.used)) continue;
      refreshed.add(entry.used);
      deps
        .credentialsFor(entry.target, entry.used)
        .catch((error: unknown) => deps.onCredentialsError?.(error));
    }
  };

  /** The caller's round listener, then the re-read of refused credentials. */
  const afterRound = (onRound?: (summary: RoundSummary) => void) => (summary: RoundSummary) => {
    onRound?.(summary);
    rereadRefused(summary);
  };

  return {
    settings: resolved,
    probe,
    async runInvocation(options) {
      await deps.ready?.();
      return runProberInvocation({
        registry: deps.registry,
        probe,
        holder: options.holder,
        rounds: resolved.probeRounds,
        intervalMs,
        refreshAfterMs,
        jitterMs,
        ...limits,
        roundBudgetMs: roundBudgetMs(probeOptions, jitterMs),
        remainingTimeMs: options.remainingTimeMs,
        onRound: afterRound(options.onRound),
        ...(options.onReleaseError && { onReleaseError: options.onReleaseError }),
      });
    },
    start(options) {
      return startProberLoop({
        registry: deps.registry,
        probe,
        holder: options.holder,
        intervalMs,
        refreshAfterMs,
        jitterMs,
        ...limits,
        onRound: afterRound(options.onRound),
        ...(options.onError && { onError: options.onError }),
      });
    },
  };
}
