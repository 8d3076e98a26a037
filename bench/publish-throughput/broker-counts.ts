/** Messages counted by the broker that took them. */

export const tally = (counts: Map<string, number>, key: string, by = 1) =>
  counts.set(key, (counts.get(key) ?? 0) + by);

/** `b1 33%, b2 34%, ...`, by broker id. */
export const shares = (counts: Map<string, number>) => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, n]) => `${id} ${Math.round((100 * n) / total)}%`)
    .join(', ');
};
