/**
 * Passive outlier detection, per publisher: a broker whose publish attempt
 * failed is taken out of this publisher's rotation at once, for a time that
 * doubles while it keeps failing. A success clears it.
 */
export interface OutlierDetector {
  /** Ids currently ejected. */
  ejected(nowMs: number): Set<string>;
  /** Records a failed attempt; true when this failure ejected the broker (report it once). */
  failed(id: string, nowMs: number): boolean;
  succeeded(id: string): void;
}

export function createOutlierDetector(options: {
  baseEjectionMs: number;
  maxEjectionMs: number;
}): OutlierDetector {
  const state = new Map<string, { until: number; strikes: number }>();
  return {
    ejected(nowMs) {
      return new Set([...state].filter(([, entry]) => entry.until > nowMs).map(([id]) => id));
    },
    failed(id, nowMs) {
      const entry = state.get(id);
      if (entry && entry.until > nowMs) return false;
      const strikes = (entry?.strikes ?? 0) + 1;
      const ejectionMs = Math.min(
        options.baseEjectionMs * 2 ** (strikes - 1),
        options.maxEjectionMs,
      );
      state.set(id, { until: nowMs + ejectionMs, strikes });
      return true;
    },
    succeeded(id) {
      state.delete(id);
    },
  };
}
