/**
 * Key schema of the registry table, shared by the DynamoDB adapter, the local
 * fleet and the CDK registry stack.
 *
 * One table, two item kinds:
 * - broker: `pk = "node"`, `sk = <broker id>`; the whole fleet is one Query on `pk = "node"`;
 * - prober lease and heartbeat: `pk = "lease"`, `sk = "prober"`;
 * - fleet snapshot sequence counter: `pk = "snapshot"`, `sk = "sequence"`;
 * - fleet snapshot copy i: `pk = "snapshot#<i>"`, `sk = "fleet"`, one partition key
 *   each, so that DynamoDB can serve copies from different partitions.
 * Publishers read one snapshot copy per refresh, not the node partition (see
 * docs/registry-cost.md); the broker items stay the source of truth.
 */
export const REGISTRY_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  nodePartition: 'node',
  leasePartition: 'lease',
  snapshotPartition: 'snapshot',
  snapshotSequenceSortKey: 'sequence',
  snapshotCopySortKey: 'fleet',
} as const;

/**
 * Copies of the fleet snapshot when nothing says otherwise. One copy's partition
 * serves 3 000 read units a second: 12 000 warm publishers at a 2 s TTL up to
 * 300 brokers (0.5 units a read), 6 000 at 1 000 brokers. Four keep 10 000 warm
 * publishers at 2.4x headroom or more up to 1 000 brokers (docs/registry-cost.md),
 * for one more write unit a second at 1 000 brokers.
 */
export const DEFAULT_SNAPSHOT_COPIES = 4;
/** The most copies a deployment may ask for (IAM lists each copy's partition key). */
export const MAX_SNAPSHOT_COPIES = 16;

/**
 * The partition key of snapshot copy `copy` (0-based).
 *
 * @example snapshotCopyPartition(2) // 'snapshot#2'
 */
export function snapshotCopyPartition(copy: number): string {
  return `${REGISTRY_KEYS.snapshotPartition}#${copy}`;
}

export const DEFAULT_REGISTRY_TABLE_NAME = 'warren-registry';

/**
 * Attribute holding when an item may be deleted, in epoch seconds: the table's
 * DynamoDB TTL attribute. Dedupe records carry it; broker and lease items never
 * do, so they never expire.
 */
export const REGISTRY_TTL_ATTRIBUTE = 'expiresAtEpochSeconds';
