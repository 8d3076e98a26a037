import { setTimeout as sleep } from 'node:timers/promises';
import type { Publisher } from '../../src/publish/publisher.js';

export interface LoadResult {
  readonly requests: number;
  /** Requests with at least one message not accepted. */
  readonly failedRequests: number;
  readonly acceptedIds: readonly string[];
  readonly latenciesMs: readonly number[];
}

/**
 * Publishes batches to `tasks` from `concurrency` loops until `durationMs` has
 * passed, calling `during` once along the way (to kill or stop a broker).
 * Bounded in time and count, loopback brokers only.
 */
export async function sustainedLoad(
  publisher: Publisher,
  options: {
    durationMs: number;
    concurrency: number;
    batchSize: number;
    during?: () => Promise<void>;
    /** Keeps the load going at least this long after `during` finished, however long it took. */
    outlastDuringMs?: number;
  },
): Promise<LoadResult> {
  let end = Date.now() + options.durationMs;
  const acceptedIds: string[] = [];
  const latenciesMs: number[] = [];
  let requests = 0;
  let failedRequests = 0;
  const loop = async (worker: number) => {
    for (let n = 0; Date.now() < end && n < 10_000; n++) {
      const messages = Array.from({ length: options.batchSize }, (_, i) => ({
        id: `w${worker}-r${n}-m${i}`,
        body: { worker, n, i },
      }));
      const started = performance.now();
      const results = await publisher.publish({ kind: 'queue', queue: 'tasks' }, messages);
      latenciesMs.push(performance.now() - started);
      requests += 1;
      if (results.some((result) => result.status !== 'accepted')) failedRequests += 1;
      for (const result of results) if (result.status === 'accepted') acceptedIds.push(result.id);
    }
  };
  const during = (async () => {
    await sleep(options.durationMs / 4);
    await options.during?.();
    end = Math.max(end, Date.now() + (options.outlastDuringMs ?? 0));
  })();
  await Promise.all([
    ...Array.from({ length: options.concurrency }, (_, worker) => loop(worker)),
    during,
  ]);
  return { requests, failedRequests, acceptedIds, latenciesMs };
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
