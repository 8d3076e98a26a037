import { withDeadline } from '../timing/with-deadline.js';
import {
  type FleetSnapshot,
  type HealthRegistry,
  RegistryUnavailableError,
} from './health-registry.js';

/**
 * What a read of the cached registry returned, and how much to trust it.
 * `fetchedAtMs` is when the request that produced `snapshot` was sent.
 */
export type FleetView =
  /** Younger than the TTL, or just fetched. */
  | { readonly source: 'fresh'; readonly snapshot: FleetSnapshot; readonly fetchedAtMs: number }
  /** Past the TTL (or invalidated) but within the staleness bound: served at once while one background refresh runs. */
  | {
      readonly source: 'stale';
      readonly snapshot: FleetSnapshot;
      readonly fetchedAtMs: number;
      readonly refreshing: true;
    }
  /**
   * The registry did not answer: the last refresh failed, or a view past the
   * staleness bound could not be refreshed in time. The newest snapshot that
   * did arrive, and why nothing newer did.
   */
  | {
      readonly source: 'last-known-good';
      readonly snapshot: FleetSnapshot;
      readonly fetchedAtMs: number;
      readonly error: RegistryUnavailableError;
      /** Whether another attempt is under way now. */
      readonly refreshing: boolean;
    };

/** How long a read waits for a refresh of a snapshot past the staleness bound, unless told. */
export const DEFAULT_REFRESH_TIMEOUT_MS = 1_000;

export interface CachedFleetViewOptions {
  readonly registry: Pick<HealthRegistry, 'listNodes'>;
  /** How long a snapshot counts as fresh, and how long to wait after a failed refresh before the next one. */
  readonly ttlMs: number;
  /**
   * The staleness bound: a snapshot at least this old is never routed on as
   * it is; a read waits for a refresh first (at most `refreshTimeoutMs`). Default 5 × `ttlMs`.
   */
  readonly maxStalenessMs?: number;
  /** How long a read waits for that refresh before it serves the last known good view. Default 1 000 ms. */
  readonly refreshTimeoutMs?: number;
  /** Milliseconds since the epoch; injected so that tests control time. */
  readonly clock: () => number;
  /** Told of each failed background refresh, which no caller awaits. */
  readonly onRefreshError?: (error: RegistryUnavailableError) => void;
}

export interface ReadOptions {
  /** The caller's own budget: no read waits longer for DynamoDB than this. */
  readonly timeoutMs?: number;
}

export interface CachedFleetView {
  /**
   * Resolves from the cache while the snapshot is younger than the staleness
   * bound; past it, waits for a refresh (bounded) and falls back to the last
   * known good view. A cache that never held a snapshot waits for DynamoDB
   * (within `timeoutMs`) and rejects with RegistryUnavailableError if it fails.
   */
  read(options?: ReadOptions): Promise<FleetView>;
  /** Makes the next read refresh in the background, e.g. after a publish found a broker dead. */
  invalidate(): void;
}

interface Entry {
  readonly snapshot: FleetSnapshot;
  readonly fetchedAtMs: number;
}

/**
 * The publisher's view of the registry: the warm path makes no DynamoDB call.
 * A snapshot is served from memory for `ttlMs`, then served stale while a
 * single background refresh runs, up to the staleness bound `maxStalenessMs`;
 * an older one (the first read after an idle gap) waits for the refresh, up
 * to `refreshTimeoutMs`. Only when DynamoDB fails or does not answer in time
 * is the last good snapshot served, tagged with the error. Refreshes are
 * started by reads, never by timers, so an idle Lambda or process is not kept awake.
 *
 * @example
 * const fleet = createCachedFleetView({ registry, ttlMs: 5_000, clock: Date.now });
 * const view = await fleet.read();
 * if (view.source === 'last-known-good') logger.warn('registry unreachable', { error: view.error });
 * const { nodes } = view.snapshot;
 */
export function createCachedFleetView(options: CachedFleetViewOptions): CachedFleetView {
  const { registry, ttlMs, clock, onRefreshError } = options;
  const maxStalenessMs = options.maxStalenessMs ?? 5 * ttlMs;
  const refreshTimeoutMs = options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS;
  // `>= 0` is also false for NaN, which would otherwise make every comparison false and never refresh.
  for (const [name, value] of Object.entries({ ttlMs, maxStalenessMs, refreshTimeoutMs })) {
    if (!(value >= 0)) throw new RangeError(`${name} must be a number >= 0, got ${value}`);
  }

  let good: Entry | undefined;
  let lastError: RegistryUnavailableError | undefined;
  let nextRefreshAtMs = Number.NEGATIVE_INFINITY;
  // The one fetch allowed at a time: every read that needs data joins it instead of starting another.
  let inFlight: Promise<Entry> | undefined;
  let generation = 0;

  function refresh(): Promise<Entry> {
    const startedAtMs = clock();
    const startedGeneration = generation;
    // `new Promise` turns a synchronous throw from listNodes into a rejection like any other.
    const fetched = new Promise<FleetSnapshot>((resolve) => resolve(registry.listNodes())).then(
      (snapshot) => {
        // The data is at least as new as the request, so its send time is a safe (never too young) age.
        good = { snapshot, fetchedAtMs: startedAtMs };
        lastError = undefined;
        nextRefreshAtMs = startedAtMs + ttlMs;
        return good;
      },
      (cause: unknown) => {
        lastError =
          cause instanceof RegistryUnavailableError
            ? cause
            : new RegistryUnavailableError(`cannot read the fleet: ${String(cause)}`, { cause });
        // Back off a full TTL from the failure, so a dead DynamoDB is asked once per TTL, not once per read.
        nextRefreshAtMs = clock() + ttlMs;
        throw lastError;
      },
    );
    const settled = fetched.finally(() => {
      inFlight = undefined;
      // An invalidate() during the fetch may report a change this answer predates: fetch again.
      if (generation !== startedGeneration) nextRefreshAtMs = Number.NEGATIVE_INFINITY;
    });
    inFlight = settled;
    return settled;
  }

  function report(error: RegistryUnavailableError): void {
    try {
      onRefreshError?.(error);
    } catch {
      // A faulty reporting hook must not turn a served read into an unhandled rejection.
    }
  }

  /** The refresh in flight, or undefined once `timeoutMs` passed; a failure is a RegistryUnavailableError. */
  async function awaitRefresh(
    fetch: Promise<Entry>,
    timeoutMs: number,
  ): Promise<Entry | RegistryUnavailableError> {
    const outcome = await withDeadline(
      fetch.catch((error: RegistryUnavailableError) => error),
      timeoutMs,
    );
    if (outcome !== 'timeout') return outcome;
    return new RegistryUnavailableError(`the registry did not answer within ${timeoutMs} ms`);
  }

  return {
    async read(readOptions = {}): Promise<FleetView> {
      const budgetMs = readOptions.timeoutMs ?? Number.POSITIVE_INFINITY;
      // Nothing to fall back to: wait for the fetch (shared with concurrent reads) and let it fail.
      if (good === undefined) {
        const entry = await awaitRefresh(inFlight ?? refresh(), budgetMs);
        if (entry instanceof RegistryUnavailableError) throw entry;
        return { source: 'fresh', ...entry };
      }
      if (inFlight === undefined && clock() >= nextRefreshAtMs) {
        // Nobody awaits a background refresh, so its failure goes to the hook, not to an unhandled rejection.
        refresh().catch(report);
      }
      // Too old to route on (an idle gap): wait for the refresh rather than serve it.
      if (inFlight !== undefined && clock() - good.fetchedAtMs >= maxStalenessMs) {
        const entry = await awaitRefresh(inFlight, Math.min(refreshTimeoutMs, budgetMs));
        if (!(entry instanceof RegistryUnavailableError)) return { source: 'fresh', ...entry };
        return {
          source: 'last-known-good',
          ...good,
          error: entry,
          refreshing: inFlight !== undefined,
        };
      }
      const entry = good;
      if (lastError !== undefined) {
        return {
          source: 'last-known-good',
          ...entry,
          error: lastError,
          refreshing: inFlight !== undefined,
        };
      }
      if (inFlight !== undefined) return { source: 'stale', ...entry, refreshing: true };
      return { source: 'fresh', ...entry };
    },

    invalidate(): void {
      generation += 1;
      nextRefreshAtMs = Number.NEGATIVE_INFINITY;
    },
  };
}
