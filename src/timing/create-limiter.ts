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

/**
 * Runs a task once the limits allow it. Waiting tasks start lowest `priority`
 * first (default 0), and in the order they were handed over within a priority.
 */
export type Limiter = <T>(task: () => Promise<T>, priority?: number) => Promise<T>;

interface Waiting {
  readonly priority: number;
  readonly start: () => void;
}

/**
 * Bounds how many tasks run at once and how fast they start: the prober holds
 * at most `concurrency` probes (each a socket or two: a Lambda has 1 024 file
 * descriptors) and paces its health writes to `perSecond` (one partition takes
 * 1 000 write units a second, shared with operators), a state transition
 * handed over while refreshes wait going ahead of them. One function for both,
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
  const waiting: Waiting[] = [];
  let nextStartMs = Number.NEGATIVE_INFINITY;
  let dispatching = false;

  // Behind every task of its priority or a more urgent one; scanning from the end, as most come last.
  const enqueue = (entry: Waiting) => {
    let index = waiting.length;
    while (index > 0 && (waiting[index - 1] as Waiting).priority > entry.priority) index -= 1;
    waiting.splice(index, 0, entry);
  };
  // One dispatcher starts tasks: the next to start is chosen when its turn comes, not when it
  // was handed over, so a more urgent task that arrives during the wait still goes first.
  const dispatch = async () => {
    if (dispatching) return;
    dispatching = true;
    try {
      while (waiting.length > 0 && running < concurrency) {
        const waitMs = nextStartMs - now();
        if (waitMs > 0) {
          await sleep(waitMs);
          continue;
        }
        // Idle for more than one spacing earns no burst; a timer firing a little late does
        // not slow the schedule down (the next start keeps its slot).
        if (waitMs < -spacingMs) nextStartMs = now();
        nextStartMs += spacingMs;
        running += 1;
        (waiting.shift() as Waiting).start();
      }
    } finally {
      dispatching = false;
    }
  };
  const release = () => {
    running -= 1;
    void dispatch();
  };

  return (task, priority = 0) =>
    new Promise((resolve, reject) => {
      // Started by the dispatcher itself, so a task has begun before the next one's turn is awaited.
      const start = () => {
        const settled = (async () => task())();
        settled.finally(release).then(resolve, reject);
      };
      enqueue({ priority, start });
      void dispatch();
    });
}
