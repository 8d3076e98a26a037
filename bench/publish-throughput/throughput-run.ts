/** One timed throughput run of a variant: its batches, the CPU they cost, and what landed in the queue. */

import type { CpuSource } from '../support/cpu-window.js';
import { startCpuWindow } from '../support/cpu-window.js';
import { within } from '../support/measure.js';
import { purgeAll, type RawBroker } from '../support/raw-brokers.js';
import { BATCH, IN_FLIGHT, QUEUE, RUN_TIMEOUT_MS } from './settings.js';
import type { Variant } from './variants.js';

export interface Run {
  readonly ms: number;
  readonly accepted: number;
  readonly purged: number;
  readonly clientCpuMs: number;
  readonly hostCpuMs: number | undefined;
  /** The three RabbitMQ VMs together. */
  readonly brokerCpuMs: number | undefined;
  /** Share of the machine's CPU time that was busy during the run, and stolen by the hypervisor. */
  readonly machineBusy: number | undefined;
  readonly machineSteal: number | undefined;
  readonly timedOut: boolean;
  /** Messages per broker. */
  readonly brokers: Map<string, number>;
}

export const purge = (brokers: RawBroker[]) => purgeAll(brokers, QUEUE);

/** `messages` in batches, `IN_FLIGHT` batches at a time; then purges and counts what landed. */
export async function throughputRun(
  variant: Variant,
  tag: string,
  messages: number,
  brokers: RawBroker[],
  host: CpuSource,
  brokerPids: readonly number[],
): Promise<Run> {
  const batches = Math.ceil(messages / BATCH);
  let next = 0;
  let accepted = 0;
  let timedOut = false;
  const counts = new Map<string, number>();
  const endCpuWindow = await startCpuWindow(brokerPids, host);
  const started = performance.now();
  const deadline = started + RUN_TIMEOUT_MS;
  const worker = async () => {
    while (next < batches && !timedOut) {
      const index = next++;
      const size = Math.min(BATCH, messages - index * BATCH);
      const outcome = await within(
        variant.batch(tag, index, size, counts),
        deadline - performance.now(),
      );
      if (outcome === 'timeout') timedOut = true;
      else accepted += outcome;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const ms = performance.now() - started;
  const cpu = await endCpuWindow();
  const purged = await purge(brokers);
  return { ms, accepted, purged, ...cpu, timedOut, brokers: counts };
}
