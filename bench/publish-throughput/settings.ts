/** `bench/publish-throughput.ts`'s flags and fixed settings, read once from the command line. */
import { parseArgs } from 'node:util';
import { isReplicaCount } from '../../src/core/replicas.js';
import type { Destination } from '../../src/publish/publisher.js';
import { integerFlag } from '../support/integer-flag.js';

export const { values } = parseArgs({
  options: {
    path: { type: 'string' },
    reps: { type: 'string' },
    messages: { type: 'string' },
    batch: { type: 'string' },
    'in-flight': { type: 'string' },
    'latency-samples': { type: 'string' },
    fleet: { type: 'string' },
    replicas: { type: 'string' },
    references: { type: 'boolean' },
    'fleet-host': { type: 'string' }, // internal: this file, forked, runs the fleet
    'api-host': { type: 'string' }, // internal: this file, forked, runs the HTTP API
  },
});

const integer = (name: string, fallback: number, min: number, max: number) =>
  integerFlag(values, name, fallback, min, max);
export const PATH = values.path ?? 'both';
if (!['library', 'http', 'both'].includes(PATH)) throw new Error('--path: library|http|both');
const fleetMode = values.fleet ?? 'child';
if (fleetMode !== 'child' && fleetMode !== 'in-process')
  throw new Error('--fleet: child|in-process');
export const FLEET_MODE: 'child' | 'in-process' = fleetMode;
export const REPS = integer('reps', 7, 1, 50);
export const MESSAGES = integer('messages', 20_000, 100, 200_000);
export const BATCH = integer('batch', 100, 1, 500);
export const IN_FLIGHT = integer('in-flight', 4, 1, 32);
export const LATENCY_SAMPLES = integer('latency-samples', 1_000, 10, 20_000);
/**
 * Adds the reference publishers (bench/support/reference-publishers.ts) to the
 * latency probes. Off by default: every probe more leaves the API idle longer
 * between its own requests, which the goals' figures should not depend on.
 */
export const REFERENCES = values.references === true;
/** The replicas warren's variants publish with, each a variant of its own: `--replicas 1,2`. */
export const REPLICAS = (values.replicas ?? '1,2').split(',').map((part) => {
  const replicas = Number(part);
  if (!isReplicaCount(replicas))
    throw new Error(`--replicas: 1 to 3, comma-separated, not ${part}`);
  return replicas;
});

export const QUEUE = 'tasks';
export const DESTINATION: Destination = { kind: 'queue', queue: QUEUE };
/** One throughput run (all its batches) gives up after this; a stuck confirm ends the run. */
export const RUN_TIMEOUT_MS = 120_000;
/** The whole latency phase stops after this, whatever the sample count. */
export const LATENCY_BUDGET_MS = 300_000;
export const WARMUP_MESSAGES = 2_000;
export const WARMUP_SAMPLES = 100;
