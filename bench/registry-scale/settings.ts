/** `bench/registry-scale.ts`'s flags, and the deployed settings it models, read once. */
import { parseArgs } from 'node:util';
import { REFRESH_AFTER_INTERVALS } from '../../src/core/staleness.js';
import { DEFAULT_PROBE_OPTIONS } from '../../src/prober/probe-broker.js';
import { DEFAULT_PROBE_INTERVAL_MS, roundBudgetMs } from '../../src/prober/prober-invocation.js';
import { probeJitterMs } from '../../src/service/prober-settings.js';
import { resolvePublishSettings } from '../../src/service/publish-settings.js';
import { integerFlag } from '../support/integer-flag.js';

const { values } = parseArgs({
  options: { 'steady-rounds': { type: 'string' }, reads: { type: 'string' } },
});

export const BROKER_COUNTS = [3, 30, 300, 1_000] as const;
export const CONTAINER_COUNTS = [10, 1_000, 10_000] as const;

/** Rounds before a new fleet settles: a new broker rises in 2, a failing one falls in 3. */
export const SETTLE_ROUNDS = 3;
/**
 * Rounds measured after that. Even: an unchanged broker is rewritten every
 * second round, so an odd count would over- or under-count refreshes.
 */
export const STEADY_ROUNDS = integerFlag(values, 'steady-rounds', 4, 2, 20);
if (STEADY_ROUNDS % 2 !== 0) throw new Error('--steady-rounds: an even number');
/** Publisher reads of each fleet (a cold cached view each, so each one queries). */
export const READS = integerFlag(values, 'reads', 5, 1, 50);
/** Registrations sent at once. */
export const REGISTER_CONCURRENCY = 25;

/** The deployed prober: rounds 15 s apart, four per one-minute invocation. */
export const PROBE_INTERVAL_MS = DEFAULT_PROBE_INTERVAL_MS;
export const PROBE_ROUNDS_PER_SECOND = 1_000 / PROBE_INTERVAL_MS;
export const REFRESH_AFTER_MS = REFRESH_AFTER_INTERVALS * PROBE_INTERVAL_MS;
/** As `runProberInvocation` sets it for the deployed settings. */
export const LEASE_TTL_MS =
  PROBE_INTERVAL_MS +
  roundBudgetMs(DEFAULT_PROBE_OPTIONS, probeJitterMs({ probeIntervalMs: PROBE_INTERVAL_MS }));

/** The publish Lambda's cache TTL: derived from the probe interval, at most 2 s. */
export const CACHE_TTL_MS = resolvePublishSettings({}).cacheTtlMs;
