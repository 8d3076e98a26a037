import { type ProbeRoundOptions, type RoundSummary, runProbeRound } from './probe-round.js';

export interface LeasedRoundOptions extends ProbeRoundOptions {
  /** Identifies this prober in the lease item. */
  readonly holder: string;
  readonly leaseTtlMs: number;
  /** The previous round's summary, stored with the lease as the prober's heartbeat. */
  readonly previous?: RoundSummary;
}

/**
 * Takes or renews the prober lease (which doubles as the heartbeat), then runs
 * one round. Returns undefined without probing while another prober holds the lease.
 */
export async function runLeasedRound(
  options: LeasedRoundOptions,
): Promise<RoundSummary | undefined> {
  const now = (options.clock ?? (() => new Date()))();
  const heartbeat = options.previous && compactSummary(options.previous);
  const acquired = await options.registry.acquireLease(
    options.holder,
    now,
    options.leaseTtlMs,
    heartbeat,
  );
  return acquired ? runProbeRound(options) : undefined;
}

export interface ProberLoopOptions extends Omit<LeasedRoundOptions, 'leaseTtlMs' | 'previous'> {
  /** Start-to-start time between rounds. */
  readonly intervalMs: number;
  readonly onRound?: (summary: RoundSummary) => void;
  readonly onIdle?: () => void;
  readonly onError?: (error: unknown) => void;
}

export interface ProberLoop {
  /** Stops after the round in progress, and releases the lease for the next prober. */
  stop(): Promise<void>;
}

/**
 * Probes every `intervalMs` in this process, as the local fleet does. The lease
 * lasts three intervals: if this process dies, another prober takes over after that.
 *
 * @example const loop = startProberLoop({ registry, probe, holder: 'dev', intervalMs: 2_000, refreshAfterMs: 4_000 });
 */
export function startProberLoop(options: ProberLoopOptions): ProberLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let previous: RoundSummary | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const clock = options.clock ?? (() => new Date());

  const tick = async () => {
    const started = clock().getTime();
    try {
      const summary = await runLeasedRound({
        ...options,
        leaseTtlMs: 3 * options.intervalMs,
        ...(previous && { previous }),
      });
      if (summary) {
        previous = summary;
        options.onRound?.(summary);
      } else {
        options.onIdle?.();
      }
    } catch (error) {
      options.onError?.(error);
    }
    if (!stopped) {
      const waitMs = Math.max(0, options.intervalMs - (clock().getTime() - started));
      timer = setTimeout(() => {
        inFlight = tick();
      }, waitMs);
    }
  };
  inFlight = tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      await options.registry.releaseLease(options.holder, clock()).catch(() => undefined);
    },
  };
}

/** What the lease item keeps of a round: enough for an operator, small enough for every write. */
export function compactSummary(summary: RoundSummary): Record<string, unknown> {
  return {
    startedAt: summary.startedAt,
    durationMs: summary.durationMs,
    phases: summary.phases,
    probed: summary.probed,
    writes: summary.writes,
    conflicts: summary.conflicts,
    eligible: summary.eligible,
    suspectProberNetwork: summary.suspectProberNetwork,
    transitions: summary.transitions.length,
    ...(summary.snapshot && {
      snapshot:
        summary.snapshot.state === 'published'
          ? summary.snapshot.sequence
          : `failed: ${summary.snapshot.reason}`,
    }),
  };
}
