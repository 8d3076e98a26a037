/**
 * Key schema of the registry table, shared by the DynamoDB adapter, the local
 * fleet and the CDK registry stack.
 *
 * One table, two item kinds:
 * - broker: `pk = "node"`, `sk = <broker id>`; the whole fleet is one Query on `pk = "node"`;
 * - prober lease and heartbeat: `pk = "lease"`, `sk = "prober"`.
 * A fleet is tens of brokers, so one partition holds it; publishers cache reads.
 */
export const REGISTRY_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  nodePartition: 'node',
  leasePartition: 'lease',
} as const;

export const DEFAULT_REGISTRY_TABLE_NAME = 'warren-registry';

/**
 * Attribute holding when an item may be deleted, in epoch seconds: the table's
 * DynamoDB TTL attribute. Dedupe records carry it; broker and lease items never
 * do, so they never expire.
 */
export const REGISTRY_TTL_ATTRIBUTE = 'expiresAtEpochSeconds';
