/**
 * Edits between two strings: insertions, deletions, substitutions and swaps
 * of two adjacent characters (optimal string alignment), each costing one, so
 * the commonest typos (`--jsno`, `--dtaa-dir`) are one edit away.
 *
 * @example editDistance('jsn', 'json') // 1
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: edits from the first i characters of a to the first j of b.
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate a mistyped name most likely meant, or undefined when none is
 * close: the nearest by edit distance when it is at most a third of the
 * typed name's length (at least 1), else the only candidate the typed name
 * starts (3 characters or more). Of candidates equally near, the one sharing
 * the longest start with the typed name wins (typos are rarer at the start:
 * `lable` is `label`, not `table`), then the earlier one.
 *
 * @example suggestName('nods', ['dev', 'nodes', 'consume']) // 'nodes'
 * @example suggestName('verbose', ['json', 'queue']) // undefined
 */
export function suggestName(typed: string, candidates: readonly string[]): string | undefined {
  const input = typed.toLowerCase();
  const limit = Math.max(1, Math.floor(input.length / 3));
  let best: { name: string; distance: number; shared: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(input, name.toLowerCase());
    if (distance > limit) continue;
    const shared = sharedStart(input, name.toLowerCase());
    if (
      best === undefined ||
      distance < best.distance ||
      (distance === best.distance && shared > best.shared)
    ) {
      best = { name, distance, shared };
    }
  }
  if (best) return best.name;
  const extended = candidates.filter((name) => input.length >= 3 && name.startsWith(input));
  return extended.length === 1 ? extended[0] : undefined;
}

function sharedStart(a: string, b: string): number {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length += 1;
  return length;
}
