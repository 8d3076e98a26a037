/** `bench/consume-throughput.ts`'s flags and fixed settings, read once from the command line. */
import { parseArgs } from 'node:util';
import { integerFlag } from '../support/integer-flag.js';

export const { values } = parseArgs({
  options: {
    reps: { type: 'string' },
    'per-broker': { type: 'string' },
    prefetch: { type: 'string' },
    'fleet-host': { type: 'string' }, // internal: this file, forked, runs the fleet
  },
});
const integer = (name: string, fallback: number, min: number, max: number) =>
  integerFlag(values, name, fallback, min, max);
export const REPS = integer('reps', 5, 1, 30);
export const PER_BROKER = integer('per-broker', 10_000, 100, 100_000);
export const PREFETCH = integer('prefetch', 100, 1, 5_000);
export const BROKERS = 3;
export const TOTAL = BROKERS * PER_BROKER;

export const QUEUE = 'tasks';
/** One consume run gives up after this. */
export const RUN_TIMEOUT_MS = 120_000;
/** Loading publishes this many messages per broker before waiting for their confirms. */
export const LOAD_BATCH = 1_000;
/** Pause between loading and the timed run, so the brokers finish writing what they took. */
export const SETTLE_MS = 1_000;
export const WARMUP_PER_BROKER = 1_000;
