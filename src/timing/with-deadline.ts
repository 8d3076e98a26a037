/**
 * Races `promise` against a timer: the value, or `'timeout'` once `timeoutMs`
 * has passed. The timer is cleared either way, so nothing is kept alive; the
 * promise itself keeps running (callers clean up a late result themselves).
 *
 * @example if ((await withDeadline(connection.createConfirmChannel(), 1_000)) === 'timeout') …
 */
export function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T | 'timeout'> {
  // No bound at all (Node would turn Infinity into a 1 ms timer).
  if (timeoutMs === Number.POSITIVE_INFINITY) return promise;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
