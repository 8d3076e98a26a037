/** `bench/broker-connections.ts`'s flags, read once. */
import { parseArgs } from 'node:util';
import { integerFlag } from '../support/integer-flag.js';
import type { LeafKey } from '../support/tls-broker-files.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string' },
    repetitions: { type: 'string' },
    'burst-repetitions': { type: 'string' },
    batch: { type: 'string' },
    'settle-ms': { type: 'string' },
    'idle-ms': { type: 'string' },
    'leaf-key': { type: 'string' },
  },
});

/** Idle connections held at once, in ascending steps. */
export const CONNECTION_COUNTS: readonly number[] = (values.connections ?? '200,1000')
  .split(',')
  .map((text) => {
    const count = Number(text);
    if (!Number.isInteger(count) || count < 1 || count > 5_000)
      throw new Error('--connections: a list of 1..5000, e.g. 200,1000');
    return count;
  })
  .sort((a, b) => a - b);
/** Opens and closes of each count per protocol, for the medians. */
export const REPETITIONS = integerFlag(values, 'repetitions', 5, 1, 20);
/** Bursts of the largest count per protocol and mode. */
export const BURST_REPETITIONS = integerFlag(values, 'burst-repetitions', 3, 0, 20);
/** Connections in flight at once when opening "in small batches" (and for the idle runs). */
export const BATCH = integerFlag(values, 'batch', 10, 1, 1_000);
/** Wait after the last connection opened before memory is read: heartbeats and stats have run. */
export const SETTLE_MS = integerFlag(values, 'settle-ms', 6_000, 0, 60_000);
/** How long the open connections are held idle while the broker's CPU is read. */
export const IDLE_MS = integerFlag(values, 'idle-ms', 10_000, 1_000, 120_000);
/** Generous, so a burst's slowest handshake is measured rather than cut off. */
export const BENCH_CONNECT_TIMEOUT_MS = 60_000;

const leafKey = values['leaf-key'] ?? 'ec-p256';
if (leafKey !== 'ec-p256' && leafKey !== 'rsa-2048')
  throw new Error('--leaf-key: ec-p256 (as on EC2) or rsa-2048');
/** The broker certificate's key: EC P-256 is what `warren-issue-certificate` makes. */
export const LEAF_KEY: LeafKey = leafKey;
