import { setTimeout as delay } from 'node:timers/promises';

export interface LimiterOptions {
  /** The most tasks running at once. Default: no bound. */
  readonly concurrency?: number;
  /** The most tasks started a second, spaced evenly (`1 000 / perSecond` ms apart). Default: no bound. */
  readonly perSecond?: number;
  /** Milliseconds on a monotonic clock; injected by tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs a task once the limits allow it; tasks start in the order they were handed over. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Bounds how many tasks run at once and how fast they start: the prober holds
 * at most `concurrency` probes (each a socket or two: a Lambda has 1 024 file
 * descriptors) and paces its health writes to `perSecond` (one partition takes
 * 1 000 write units a second, shared with operators). One function for both,
 * because p-limit bounds concurrency only and the pacing needs an injected
 * clock to be tested without waiting.
 *
 * @example const limit = createLimiter({ concurrency: 250 }); await Promise.all(targets.map((t) => limit(() => probe(t))));
 */
export function createLimiter(options: LimiterOptions = {}): Limiter {
  const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
  const spacingMs = 1_000 / (options.perSecond ?? Number.POSITIVE_INFINITY);
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  if (!(concurrency >= 1) || !(spacingMs >= 0 && spacingMs < Number.POSITIVE_INFINITY))
    throw new RangeError('concurrency must be at least 1 and perSecond above 0');
  let running = 0;
  const queued: (() => void)[] = [];
  let nextStartMs = Number.NEGATIVE_INFINITY;
  let turns = Promise.resolve();

  const slot = () => {
    if (running < concurrency) {
      running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => queued.push(resolve));
  };
  // A finished task hands its slot straight to the next in line, so order holds.
  const release = () => {
    const next = queued.shift();
    if (next) next();
    else running -= 1;
  };
  const turn = () => {
    turns = turns.then(async () => {
      const waitMs = nextStartMs - now();
      if (waitMs > 0) await sleep(waitMs);
      // Idle for more than one spacing earns no burst; a timer firing a little late does
      // not slow the schedule down (the next start keeps its slot).
      else if (waitMs < -spacingMs) nextStartMs = now();
      nextStartMs += spacingMs;
    });
    return turns;
  };

  return async (task) => {
    await slot();
    try {
      if (spacingMs > 0) await turn();
      return await task();
    } finally {
      release();
    }
  };
}
