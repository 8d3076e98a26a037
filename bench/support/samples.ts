/** Figures over repeated samples: percentiles and medians of per-run figures. */
import { median } from './measure.js';

/** The nearest-rank `p` percentile (0..1); 0 for no samples. */
export const percentile = (samples: number[], p: number) =>
  [...samples].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * samples.length) - 1)] ?? 0;

/** Median over the runs of a per-run figure; undefined unless every run has it. */
export const medianOf = <R>(runs: readonly R[], pick: (run: R) => number | undefined) => {
  const picked = runs.flatMap((run) => {
    const value = pick(run);
    return value === undefined ? [] : [value];
  });
  return picked.length === runs.length ? median(picked) : undefined;
};

/** The items in an order that rotates with `turn`, so none always goes first. */
export const rotated = <T>(items: readonly T[], turn: number) =>
  items.map((_, i) => items[(i + turn) % items.length] as T);
