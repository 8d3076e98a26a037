import { setTimeout as delay } from 'node:timers/promises';
import type { ProbeOptions } from './probe-broker.js';
import type { ProbeRoundOptions, RoundSummary } from './probe-round.js';
import { runLeasedRound } from './prober-loop.js';

export interface ProberInvocationOptions extends ProbeRoundOptions {
  /** Unique per invocation, so a concurrent or retried invocation cannot renew this one's lease. */
  readonly holder: string;
  /** Rounds to run; default 4, which at the default interval fills a one-minute schedule. */
  readonly rounds?: number;
  /** Start-to-start time between rounds; default 15 000. */
  readonly intervalMs?: number;
  /** The longest a round may take (see {@link roundBudgetMs}); no round starts with less time left. */
  readonly roundBudgetMs: number;
  /** Time left before the platform stops this invocation (Lambda's `getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRound?: (summary: RoundSummary) => void;
  /** Releasing is a courtesy (an unreleased lease expires): its failure is reported, not thrown. */
  readonly onReleaseError?: (error: unknown) => void;
}

export interface ProberInvocationResult {
  readonly rounds: RoundSummary[];
  /** Another prober held the lease, so this invocation probed no further. */
  readonly leaseHeldElsewhere: boolean;
  /** Fewer rounds ran than asked because the invocation was running out of time. */
  readonly stoppedEarly: boolean;
}

/** Four rounds 15 s apart fill a one-minute EventBridge schedule. */
export const DEFAULT_INVOCATION_ROUNDS = 4;
export const DEFAULT_PROBE_INTERVAL_MS = 15_000;

// Covers the registry reads, conditional writes and lease renewal around the probes.
const ROUND_SAFETY_MARGIN_MS = 5_000;

/**
 * The longest one round can take: every probe stage at its deadline (TCP,
 * AMQP open, channel, publish, management, then the bounded 1 s close), the
 * start jitter, and a margin for the registry calls.
 *
 * @example roundBudgetMs(DEFAULT_PROBE_OPTIONS, 1_000) // 16 000
 */
export function roundBudgetMs(probe: Omit<ProbeOptions, 'credentials'>, jitterMs = 0): number {
  const probeMs =
    probe.tcpTimeoutMs +
    2 * probe.amqpTimeoutMs +
    probe.publishTimeoutMs +
    probe.managementTimeoutMs +
    1_000;
  return probeMs + jitterMs + ROUND_SAFETY_MARGIN_MS;
}

/**
 * The time the next round may take: the configured budget, or more when the
 * previous round came close to it. A round's worst case is one probe's only
 * while fewer brokers hang than the probes in flight allow, and its paced
 * writes grow with the fleet; a large fleet's last round tells more than the
 * sum of the probe deadlines.
 *
 * @example nextRoundBudgetMs(16_000, { durationMs: 14_000, ... }) // 19 000
 */
export function nextRoundBudgetMs(configuredMs: number, previous?: RoundSummary): number {
  return Math.max(configuredMs, (previous?.durationMs ?? 0) + ROUND_SAFETY_MARGIN_MS);
}

/**
 * One scheduled prober run: takes the lease and runs up to `rounds` probe
 * rounds `intervalMs` apart (each renewing the lease), stops before a round
 * that might not finish in the time left, and releases the lease at the end,
 * also when a round throws. Returns at once if another prober holds the lease.
 *
 * @example const result = await runProberInvocation({ registry, probe, holder: context.awsRequestId, refreshAfterMs: 30_000, roundBudgetMs: 16_000, remainingTimeMs: () => context.getRemainingTimeInMillis() });
 */
export async function runProberInvocation(
  options: ProberInvocationOptions,
): Promise<ProberInvocationResult> {
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const rounds = options.rounds ?? DEFAULT_INVOCATION_ROUNDS;
  const intervalMs = options.intervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  const summaries: RoundSummary[] = [];
  let mayHoldLease = false;
  let previousStartMs: number | undefined;
  try {
    for (let round = 0; round < rounds; round++) {
      const waitMs =
        previousStartMs === undefined
          ? 0
          : Math.max(0, intervalMs - (clock().getTime() - previousStartMs));
      const budgetMs = nextRoundBudgetMs(options.roundBudgetMs, summaries.at(-1));
      // Checked before the wait: sleeping towards a round that cannot run only delays the release.
      if (options.remainingTimeMs() - waitMs < budgetMs)
        return { rounds: summaries, leaseHeldElsewhere: false, stoppedEarly: true };
      if (waitMs > 0) await sleep(waitMs);
      previousStartMs = clock().getTime();
      mayHoldLease = true;
      const previous = summaries.at(-1);
      const summary = await runLeasedRound({
        ...options,
        intervalMs,
        // Renewed at each round's start: it must outlast the wait for the next round and
        // a round that overruns it, yet expire soon after a killed invocation.
        leaseTtlMs: intervalMs + budgetMs,
        ...(previous && { previous }),
      });
      if (!summary) {
        mayHoldLease = false;
        return { rounds: summaries, leaseHeldElsewhere: true, stoppedEarly: false };
      }
      summaries.push(summary);
      options.onRound?.(summary);
    }
    return { rounds: summaries, leaseHeldElsewhere: false, stoppedEarly: false };
  } finally {
    if (mayHoldLease) {
      await options.registry
        .releaseLease(options.holder, clock())
        .catch((error: unknown) => options.onReleaseError?.(error));
    }
  }
}
