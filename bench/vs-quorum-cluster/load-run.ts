/** One under-load scenario: publishers sending small batches for a while, a fault injected along the way. */
import { setTimeout as sleep } from 'node:timers/promises';
import { longestPause } from './audit.js';
import type { Delivery, SendBatch } from './batch-outcome.js';
import { FAULT_AT_MS, LOAD_BATCH, LOAD_MS, LOAD_PUBLISHERS } from './settings.js';

export interface LoadFigures {
  readonly batches: number;
  readonly accepted: number;
  /** Batches given up with messages still unconfirmed. */
  readonly failedRequests: number;
  readonly retriedAttempts: number;
  /** The longest stretch with no confirm at all, and when it began (ms into the scenario). */
  readonly maxPauseMs: number;
  readonly maxPauseFromMs: number;
  /** When the fault was in place and when it was undone (ms into the scenario). */
  readonly faultAtMs: number;
  readonly faultDoneMs: number;
  readonly loadMs: number;
  /** Each batch's time from first attempt to confirmed or given up, in ms. */
  readonly batchMs: readonly number[];
  readonly deliveries: readonly Delivery[];
}

/** The load keeps going at least this long after the fault is undone, however long undoing took. */
const OUTLAST_FAULT_MS = 1_000;

/**
 * `LOAD_PUBLISHERS` loops, each sending `LOAD_BATCH` messages a batch
 * (ids `<tag>-w<worker>-n<batch>-m<index>`) until `LOAD_MS` have passed;
 * `fault` runs `FAULT_AT_MS` in and calls `inPlace` once the fault has taken effect.
 */
export async function runUnderLoad(
  send: SendBatch,
  tag: string,
  fault: (inPlace: () => void) => Promise<void>,
): Promise<LoadFigures> {
  const started = performance.now();
  let end = started + LOAD_MS;
  const confirmsAt: number[] = [];
  const deliveries: Delivery[] = [];
  const batchMs: number[] = [];
  let faultDone = false;
  let failedRequests = 0;
  let retriedAttempts = 0;
  const onConfirm = () => confirmsAt.push(performance.now());
  const loop = async (worker: number) => {
    for (let n = 0; performance.now() < end || !faultDone; n++) {
      const ids = Array.from({ length: LOAD_BATCH }, (_, i) => `${tag}-w${worker}-n${n}-m${i}`);
      const sent = performance.now();
      const outcome = await send(worker, ids, onConfirm);
      batchMs.push(performance.now() - sent);
      if (outcome.gaveUp) failedRequests += 1;
      retriedAttempts += outcome.retriedAttempts;
      deliveries.push(...outcome.accepted);
    }
  };
  let faultAtMs = 0;
  let faultDoneMs = 0;
  const faulting = (async () => {
    await sleep(FAULT_AT_MS);
    try {
      await fault(() => {
        faultAtMs = performance.now() - started;
      });
    } finally {
      faultDoneMs = performance.now() - started;
      end = Math.max(end, performance.now() + OUTLAST_FAULT_MS);
      faultDone = true;
    }
  })();
  await Promise.all([...Array.from({ length: LOAD_PUBLISHERS }, (_, w) => loop(w)), faulting]);
  const loadEnd = end;
  const pause = longestPause(confirmsAt, started, loadEnd);
  return {
    batches: batchMs.length,
    accepted: deliveries.length,
    failedRequests,
    retriedAttempts,
    maxPauseMs: pause.pauseMs,
    maxPauseFromMs: pause.fromMs,
    faultAtMs,
    faultDoneMs,
    loadMs: loadEnd - started,
    batchMs,
    deliveries,
  };
}
