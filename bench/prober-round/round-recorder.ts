/**
 * What the prober bench counts inside a round without changing it: probes in
 * flight (around the probe function the round is given), when each health
 * write was issued (around the registry's recordHealth), and this process's
 * open file descriptors (sampled from /proc/self/fd).
 */
import { readdirSync } from 'node:fs';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import type { ProbeTarget } from '../../src/prober/probe-broker.js';
import type { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { cpuMs, machineCpu } from '../support/measure.js';

/** How often open descriptors are counted; each count reads a directory, which takes the event loop a moment. */
const FD_SAMPLE_MS = 20;

export interface RoundCounts {
  readonly peakProbesInFlight: number;
  /** The most health writes issued within any one second. */
  readonly peakWritesPerSecond: number;
  /** The most open descriptors of this process seen (sampled), and before the round. */
  readonly peakFds: number;
  readonly fdsBefore: number;
  /** How long each probe took, by broker id. */
  readonly probeMs: ReadonlyMap<string, number>;
  /** CPU ms this process (the prober) used during the round. */
  readonly cpuMs: number;
  /** The whole machine's busy share of its CPU time during the round (0..1), when /proc/stat reads. */
  readonly machineBusy?: number;
}

/** The most `times` (ms) inside any window of `windowMs`. */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first += 1;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

const openFds = () => readdirSync('/proc/self/fd').length;

/** Counts around `probe` and `registry.recordHealth` (wrapped in place) from `start()` to `stop()`. */
export function createRoundRecorder(
  registry: DynamoDbHealthRegistry,
  probe: (target: ProbeTarget) => Promise<ProbeOutcome>,
) {
  let inFlight = 0;
  let peakInFlight = 0;
  let writeTimes: number[] = [];
  let probeMs = new Map<string, number>();
  let peakFds = 0;
  let fdsBefore = 0;
  let sampler: NodeJS.Timeout | undefined;
  let cpuBefore: Awaited<ReturnType<typeof machineCpu>>;
  let ownCpuBefore = 0;
  const recordHealth = registry.recordHealth.bind(registry);
  registry.recordHealth = (write) => {
    writeTimes.push(performance.now());
    return recordHealth(write);
  };
  return {
    probe: async (target: ProbeTarget) => {
      inFlight += 1;
      peakInFlight = Math.max(peakInFlight, inFlight);
      const started = performance.now();
      try {
        return await probe(target);
      } finally {
        inFlight -= 1;
        probeMs.set(target.id, performance.now() - started);
      }
    },
    async start() {
      cpuBefore = await machineCpu();
      ownCpuBefore = cpuMs();
      peakInFlight = 0;
      writeTimes = [];
      probeMs = new Map();
      fdsBefore = openFds();
      peakFds = fdsBefore;
      sampler = setInterval(() => {
        peakFds = Math.max(peakFds, openFds());
      }, FD_SAMPLE_MS);
    },
    async stop(): Promise<RoundCounts> {
      clearInterval(sampler);
      const cpuAfter = await machineCpu();
      const machineBusy =
        cpuBefore && cpuAfter && cpuAfter.total > cpuBefore.total
          ? (cpuAfter.busy - cpuBefore.busy) / (cpuAfter.total - cpuBefore.total)
          : undefined;
      return {
        ...(machineBusy !== undefined && { machineBusy }),
        peakProbesInFlight: peakInFlight,
        peakWritesPerSecond: peakInWindow(writeTimes, 1_000),
        peakFds,
        fdsBefore,
        probeMs,
        cpuMs: cpuMs() - ownCpuBefore,
      };
    },
  };
}
