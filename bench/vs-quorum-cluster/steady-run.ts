/** Steady throughput: one timed run of a variant, no faults, and what landed in its queues. */

import type { CpuSource } from '../support/cpu-window.js';
import { type CpuFigures, startCpuWindow } from '../support/cpu-window.js';
import { within } from '../support/measure.js';
import type { SendBatch } from './batch-outcome.js';
import { STEADY_BATCH, STEADY_IN_FLIGHT } from './settings.js';

export interface SteadyVariant {
  readonly name: string;
  readonly send: SendBatch;
  /** Copies each accepted message should leave in the queues. */
  readonly copies: number;
  /** The Erlang VMs that do this variant's work, for their CPU time. */
  brokerPids(): readonly number[];
  /** The HTTP API's process, when this variant goes through it. */
  readonly host?: CpuSource;
  /** Empties the variant's queues; resolves with how many messages they held. */
  purge(): Promise<number>;
}

export interface SteadyRun extends CpuFigures {
  readonly ms: number;
  readonly accepted: number;
  readonly purged: number;
  readonly gaveUp: number;
  readonly timedOut: boolean;
}

/** A run gives up after this: a stuck confirm ends it rather than the bench. */
const RUN_TIMEOUT_MS = 120_000;

/** `messages` in batches of `STEADY_BATCH`, `STEADY_IN_FLIGHT` publishers at once; then purges and counts. */
export async function steadyRun(
  variant: SteadyVariant,
  tag: string,
  messages: number,
): Promise<SteadyRun> {
  const batches = Math.ceil(messages / STEADY_BATCH);
  let next = 0;
  let accepted = 0;
  let gaveUp = 0;
  let timedOut = false;
  const endCpuWindow = await startCpuWindow(variant.brokerPids(), variant.host);
  const started = performance.now();
  const deadline = started + RUN_TIMEOUT_MS;
  const worker = async (w: number) => {
    while (next < batches && !timedOut) {
      const index = next++;
      const size = Math.min(STEADY_BATCH, messages - index * STEADY_BATCH);
      const ids = Array.from({ length: size }, (_, i) => `${tag}-${index}-${i}`);
      const outcome = await within(
        variant.send(w, ids, () => undefined),
        deadline - performance.now(),
      );
      if (outcome === 'timeout') timedOut = true;
      else {
        accepted += outcome.accepted.length;
        if (outcome.gaveUp) gaveUp += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: STEADY_IN_FLIGHT }, (_, w) => worker(w)));
  const ms = performance.now() - started;
  const cpu = await endCpuWindow();
  const purged = await variant.purge();
  return { ms, accepted, purged, gaveUp, timedOut, ...cpu };
}
