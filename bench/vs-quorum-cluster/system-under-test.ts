/** What the under-load scenarios need of a system, whether the quorum-queue cluster or a warren fleet. */
import type { Found } from './audit.js';
import type { SendBatch } from './batch-outcome.js';

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
