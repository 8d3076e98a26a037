/** `bench/vs-quorum-cluster.ts`'s flags and fixed settings, read once from the command line. */
import { parseArgs } from 'node:util';
import { DEFAULT_PUBLISH_SETTINGS } from '../../src/service/publish-settings.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import type { Topology } from '../../src/topology/topology.js';
import { integerFlag } from '../support/integer-flag.js';

export const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    messages: { type: 'string' },
    'load-ms': { type: 'string' },
    'fault-ms': { type: 'string' },
    faults: { type: 'string' },
    'fleet-host': { type: 'string' }, // internal: this file, forked, runs the fleet
    'api-host': { type: 'string' }, // internal: this file, forked, runs the HTTP API
  },
});

const integer = (name: string, fallback: number, min: number, max: number) =>
  integerFlag(values, name, fallback, min, max);

/** Interleaved rounds of the steady-throughput variants. */
export const ROUNDS = integer('rounds', 5, 1, 20);
/** Messages per steady run, in batches of `STEADY_BATCH`, `STEADY_IN_FLIGHT` at a time. */
export const MESSAGES = integer('messages', 10_000, 100, 200_000);
/** How long each under-load scenario publishes. */
export const LOAD_MS = integer('load-ms', 12_000, 2_000, 120_000);
/** How long a SIGSTOP or a memory alarm lasts before it is undone. */
export const FAULT_MS = integer('fault-ms', 8_000, 500, 60_000);
const faults = (values.faults ?? 'kill,stop,alarm').split(',');
if (faults.some((name) => !['kill', 'stop', 'alarm'].includes(name)))
  throw new Error('--faults: comma-separated kill,stop,alarm');
export const FAULTS = faults as ('kill' | 'stop' | 'alarm')[];

export const STEADY_BATCH = 100;
export const STEADY_IN_FLIGHT = 4;
/** Under load: this many publishers, each sending batches of `LOAD_BATCH`. */
export const LOAD_PUBLISHERS = 4;
export const LOAD_BATCH = 10;
/** The fault comes this far into a scenario, so there is traffic before it. */
export const FAULT_AT_MS = 3_000;
/**
 * A batch is given up (a failed request) once this much time has passed since
 * its first attempt: two of warren's request deadlines, the same for both systems.
 */
export const GIVE_UP_MS = 2 * DEFAULT_PUBLISH_SETTINGS.deadlineMs;
/** The cluster client's attempt on one node: warren's own per-broker attempt timeout. */
export const ATTEMPT_TIMEOUT_MS = DEFAULT_PUBLISH_SETTINGS.attemptTimeoutMs;
/** Between a failed attempt and the next one. */
export const RETRY_PAUSE_MS = 100;

export const QUEUE = 'tasks';
/** The cluster's durable quorum queue. */
export const CLUSTER_QUEUE = 'tasks';

/**
 * A classic queue on each of warren's brokers, beside the quorum queue `tasks`
 * of its default topology (a one-member quorum queue on each broker): warren's
 * steady variants run against both in the same interleaved rounds, so the
 * queue type's effect is measured in one run (separate runs on this machine
 * differ by more than the effect).
 */
export const CLASSIC_QUEUE = 'tasks.classic';

/** warren's default topology and `CLASSIC_QUEUE`. */
export const WARREN_TOPOLOGY: Topology = {
  ...defaultTopology,
  queues: [
    ...defaultTopology.queues,
    {
      name: CLASSIC_QUEUE,
      vhost: '/',
      durable: true,
      auto_delete: false,
      arguments: { 'x-dead-letter-exchange': 'warren.dead-letter' },
    },
  ],
};
