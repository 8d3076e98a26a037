/**
 * The registry's cost model: what a fleet read and a probe round consume in
 * DynamoDB capacity, and what that means per second, against one partition's
 * limits, and per month on demand. Pure arithmetic over measured sizes, so a
 * second read layout (e.g. one snapshot item read with GetItem) is one more
 * `ReadLayout` beside `queryLayout`.
 *
 * Capacity rules ("DynamoDB read and write operations",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html):
 * a read is rounded up to 4 KB, and a Query sums the sizes of all the items it
 * reads before rounding once; an eventually consistent read costs half a
 * strongly consistent one; a write is rounded up to 1 KB, and an UpdateItem is
 * charged on the larger of the item before and after. On-demand bills the same
 * units as request units.
 */

export type Consistency = 'eventual' | 'strong';

/** DynamoDB's units and page size; 1 KB = 1 024 bytes in all of them. */
export const READ_UNIT_BYTES = 4 * 1024;
export const WRITE_UNIT_BYTES = 1024;
export const QUERY_PAGE_BYTES = 1024 * 1024;

/**
 * One physical partition serves at most 3 000 read and 1 000 write units a
 * second, whatever the table's mode (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html).
 * Every broker item shares the partition key `node`, so the fleet reads from one.
 */
export const PARTITION_LIMITS = { readUnitsPerSecond: 3_000, writeUnitsPerSecond: 1_000 } as const;

export interface Prices {
  readonly readPerMillionUnits: number;
  readonly writePerMillionUnits: number;
  /** Where and when the figures were read. */
  readonly source: string;
}

/**
 * On-demand, DynamoDB Standard table class, us-east-1, after the price cut of
 * 1 November 2024 (https://aws.amazon.com/dynamodb/pricing/on-demand/). The
 * page's price table did not come through in the text read on 2026-12-07;
 * these figures match the secondary sources that quote it since then.
 */
export const US_EAST_1_ON_DEMAND: Prices = {
  readPerMillionUnits: 0.125,
  writePerMillionUnits: 0.625,
  source: 'aws.amazon.com/dynamodb/pricing/on-demand, us-east-1, since 2024-11-01',
};

/** AWS's pricing calculator counts a month as 730 hours. */
export const SECONDS_PER_MONTH = 730 * 3_600;

/**
 * Read units for `bytes` read in one request (GetItem's item, or one Query page's
 * items summed); a read of nothing still costs the minimum.
 *
 * @example readUnits(1_400, 'eventual') // 0.5
 */
export function readUnits(bytes: number, consistency: Consistency): number {
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  return consistency === 'eventual' ? units / 2 : units;
}

/**
 * Write units of one UpdateItem that turned an item of `beforeBytes` into `afterBytes`.
 *
 * @example writeUnits(1_000, 1_030) // 2
 */
export function writeUnits(beforeBytes: number, afterBytes: number): number {
  return Math.max(1, Math.ceil(Math.max(beforeBytes, afterBytes) / WRITE_UNIT_BYTES));
}

/**
 * The bytes each Query page reads, in item order: a page stops once it has read
 * 1 MB, so the item that crosses the line still belongs to it. A page that
 * stopped there hands back a LastEvaluatedKey even when no item is left, so the
 * reader asks once more and gets an empty page (which costs the minimum).
 *
 * @example queryPages([600_000, 600_000, 10]) // [1_200_000, 10]
 */
export function queryPages(itemBytes: readonly number[]): number[] {
  const pages: number[] = [];
  let page = 0;
  for (const bytes of itemBytes) {
    page += bytes;
    if (page >= QUERY_PAGE_BYTES) {
      pages.push(page);
      page = 0;
    }
  }
  pages.push(page);
  return pages;
}

/** What one refresh of a fleet view costs, for one way of laying the fleet out. */
export interface ReadLayout {
  readonly name: string;
  /** DynamoDB requests per refresh: Query pages, or 1 for a GetItem. */
  readonly requests: number;
  readonly readUnits: number;
  /** Item bytes read, before rounding to units. */
  readonly bytesRead: number;
  /**
   * Snapshot copies the refreshes spread over, each under its own partition
   * key (each container reads one, chosen at random). Unset: the refreshes
   * read the node partition, which the prober's own fleet reads share.
   */
  readonly snapshotCopies?: number;
}

/**
 * Today's layout: one item per broker, the whole fleet read by a paginated
 * Query of its partition.
 *
 * @example queryLayout([450, 450, 450], 'eventual') // { requests: 1, readUnits: 0.5, bytesRead: 1_350, ... }
 */
export function queryLayout(itemBytes: readonly number[], consistency: Consistency): ReadLayout {
  const pages = queryPages(itemBytes);
  return {
    name: `Query of the node partition (${consistency})`,
    requests: pages.length,
    readUnits: pages.reduce((sum, bytes) => sum + readUnits(bytes, consistency), 0),
    bytesRead: itemBytes.reduce((sum, bytes) => sum + bytes, 0),
  };
}

/**
 * The fleet snapshot: one item read with one eventually consistent GetItem,
 * in `copies` copies under different partition keys.
 *
 * @example snapshotLayout(5_900, 1) // { requests: 1, readUnits: 1, bytesRead: 5_900, snapshotCopies: 1, ... }
 */
export function snapshotLayout(itemBytes: number, copies: number): ReadLayout {
  return {
    name: `GetItem of one fleet snapshot copy of ${copies} (eventual)`,
    requests: 1,
    readUnits: readUnits(itemBytes, 'eventual'),
    bytesRead: itemBytes,
    snapshotCopies: copies,
  };
}

/** The prober's steady state: it reads the fleet once a round and writes what changed. */
export interface ProberLoad {
  readonly roundsPerSecond: number;
  /**
   * Its own reads of the node partition a round, and their requests. Default:
   * one refresh of the layout (the Query layout, where the prober reads as publishers do).
   */
  readonly readUnitsPerRound?: number;
  readonly readRequestsPerRound?: number;
  /** Fleet snapshot writes a round (the sequence counter and every copy), outside the node partition. */
  readonly snapshotWriteUnitsPerRound?: number;
  /** Health writes to broker items (the node partition), per round. */
  readonly nodeWriteUnitsPerRound: number;
  /** The lease and heartbeat item, in its own partition key. */
  readonly leaseWriteUnitsPerRound: number;
}

export interface FleetLoadInput {
  readonly layout: ReadLayout;
  /** Warm publisher containers, each under steady traffic: one refresh per TTL. */
  readonly containers: number;
  readonly cacheTtlMs: number;
  readonly prober: ProberLoad;
  readonly prices: Prices;
}

export interface FleetLoad {
  /** Requests a second from every container's refreshes and the prober's reads. */
  readonly readRequestsPerSecond: number;
  readonly readUnitsPerSecond: number;
  /**
   * Of one partition's 3 000 read units a second, in the busiest partition:
   * the node partition, or with snapshot copies the busier of a copy's and the node partition.
   */
  readonly partitionReadShare: number;
  readonly writeUnitsPerSecond: number;
  /** Of the node partition's 1 000 write units a second (lease writes are elsewhere). */
  readonly partitionWriteShare: number;
  /** Warm containers the partitions' read limit allows with this layout and TTL. */
  readonly maxContainers: number;
  readonly monthlyReadCost: number;
  readonly monthlyWriteCost: number;
}

/**
 * Reads, writes, partition shares and on-demand cost a second and a month.
 * A warm container under steady traffic refreshes once per TTL (reads start
 * refreshes; an idle container makes none), so this is the upper bound for
 * `containers` busy ones; outlier reports and invalidations are left out.
 *
 * @example fleetLoad({ layout, containers: 1_000, cacheTtlMs: 2_000, prober, prices: US_EAST_1_ON_DEMAND })
 */
export function fleetLoad(input: FleetLoadInput): FleetLoad {
  const { layout, prober, prices } = input;
  const ttlSeconds = input.cacheTtlMs / 1_000;
  const refreshesPerSecond = input.containers / ttlSeconds;
  const refreshUnits = refreshesPerSecond * layout.readUnits;
  const proberReadUnits = prober.roundsPerSecond * (prober.readUnitsPerRound ?? layout.readUnits);
  const proberRequests = prober.roundsPerSecond * (prober.readRequestsPerRound ?? layout.requests);
  const readUnitsPerSecond = refreshUnits + proberReadUnits;
  const nodeWriteUnitsPerSecond = prober.roundsPerSecond * prober.nodeWriteUnitsPerRound;
  const writeUnitsPerSecond =
    nodeWriteUnitsPerSecond +
    prober.roundsPerSecond *
      (prober.leaseWriteUnitsPerRound + (prober.snapshotWriteUnitsPerRound ?? 0));
  const perMonth = (unitsPerSecond: number, pricePerMillion: number) =>
    (unitsPerSecond * SECONDS_PER_MONTH * pricePerMillion) / 1_000_000;
  const limit = PARTITION_LIMITS.readUnitsPerSecond;
  const copies = layout.snapshotCopies;
  // With copies, each container reads one at random: a copy's partition carries 1/copies of the
  // refreshes, and the node partition only the prober's reads.
  const busiestPartitionUnits =
    copies === undefined ? readUnitsPerSecond : Math.max(refreshUnits / copies, proberReadUnits);
  const maxContainers =
    copies === undefined
      ? ((limit - proberReadUnits) * ttlSeconds) / layout.readUnits
      : (limit * ttlSeconds * copies) / layout.readUnits;
  return {
    readRequestsPerSecond: refreshesPerSecond * layout.requests + proberRequests,
    readUnitsPerSecond,
    partitionReadShare: busiestPartitionUnits / limit,
    writeUnitsPerSecond,
    partitionWriteShare: nodeWriteUnitsPerSecond / PARTITION_LIMITS.writeUnitsPerSecond,
    maxContainers: Math.max(0, Math.floor(maxContainers)),
    monthlyReadCost: perMonth(readUnitsPerSecond, prices.readPerMillionUnits),
    monthlyWriteCost: perMonth(writeUnitsPerSecond, prices.writePerMillionUnits),
  };
}
