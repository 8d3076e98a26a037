/** What the under-load scenarios need of a system, whether the quorum-queue cluster or a warren fleet. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Found } from './audit.js';
import type { SendBatch } from './batch-outcome.js';
import { FAULT_MS } from './settings.js';

export type FaultKind = 'kill' | 'stop' | 'alarm';

export const FAULT_NAMES: Record<FaultKind, string> = {
  kill: 'kill -9',
  stop: 'SIGSTOP',
  alarm: 'memory alarm',
};

/** A fault on one chosen node: `run` injects it, calls `inPlace` once it holds, and undoes it where it can be undone. */
export interface PreparedFault {
  /** The node it hits, e.g. `n2 (leader)` or `b1`. */
  readonly target: string;
  run(inPlace: () => void): Promise<void>;
  /** After the load: the node restarted if it was killed, and the system whole again; resolves with a note (where the leader went). */
  recover(): Promise<string | undefined>;
}

export interface SystemUnderTest {
  readonly name: string;
  readonly send: SendBatch;
  prepare(kind: FaultKind): Promise<PreparedFault>;
  /** Reads every message back from every node, emptying the queues. */
  drain(): Promise<Found[]>;
}

const ALARM_WATERMARK = '0.000001';
const NORMAL_WATERMARK = '0.4';

/** How a fault reaches one node: signals to its VM, and its memory watermark through rabbitmqctl. */
export interface FaultTarget {
  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
  watermark(value: string): Promise<unknown>;
}

/**
 * The three faults on one node, the same for both systems: kill -9; SIGSTOP
 * held `FAULT_MS`, then SIGCONT; a memory alarm (watermark 0.000001) held
 * `FAULT_MS`, then the watermark back at 0.4. Each calls `inPlace` once it holds.
 */
export function faultRuns(
  node: FaultTarget,
): Record<FaultKind, (inPlace: () => void) => Promise<void>> {
  const held = async (apply: () => unknown, inPlace: () => void, undo: () => unknown) => {
    await apply();
    inPlace();
    await sleep(FAULT_MS);
    await undo();
  };
  return {
    async kill(inPlace) {
      node.signal('SIGKILL');
      inPlace();
    },
    stop: (inPlace) =>
      held(
        () => node.signal('SIGSTOP'),
        inPlace,
        () => node.signal('SIGCONT'),
      ),
    alarm: (inPlace) =>
      held(
        () => node.watermark(ALARM_WATERMARK),
        inPlace,
        () => node.watermark(NORMAL_WATERMARK),
      ),
  };
}
