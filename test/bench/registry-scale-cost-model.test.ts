import { describe, expect, it } from 'vitest';
import {
  type Consistency,
  fleetLoad,
  type ProberLoad,
  queryLayout,
  queryPages,
  type ReadLayout,
  readUnits,
  snapshotLayout,
  US_EAST_1_ON_DEMAND,
  writeUnits,
} from '../../bench/registry-scale/cost-model.js';

describe('readUnits', () => {
  it.each<{ bytes: number; consistency: Consistency; units: number }>([
    { bytes: 0, consistency: 'eventual', units: 0.5 },
    { bytes: 1, consistency: 'eventual', units: 0.5 },
    { bytes: 4_096, consistency: 'eventual', units: 0.5 },
    { bytes: 4_097, consistency: 'eventual', units: 1 },
    { bytes: 4_097, consistency: 'strong', units: 2 },
    { bytes: 8_192, consistency: 'strong', units: 2 },
    { bytes: 465_000, consistency: 'eventual', units: 57 },
  ])(
    'charges $bytes bytes read $consistency as $units units (4 KB steps, half when eventual)',
    ({ bytes, consistency, units }) => {
      expect(readUnits(bytes, consistency)).toBe(units);
    },
  );
});

describe('writeUnits', () => {
  it.each([
    { before: 0, after: 0, units: 1 },
    { before: 465, after: 465, units: 1 },
    { before: 1_024, after: 1_024, units: 1 },
    { before: 1_000, after: 1_030, units: 2 },
    { before: 2_048, after: 10, units: 2 },
  ])(
    'charges an update from $before to $after bytes as $units (1 KB steps on the larger)',
    ({ before, after, units }) => {
      expect(writeUnits(before, after)).toBe(units);
    },
  );
});

describe('queryPages', () => {
  it.each([
    { name: 'no items still take one request', items: [], pages: [0] },
    { name: 'a small fleet fits one page', items: [465, 465, 465], pages: [1_395] },
    {
      name: 'the item that crosses 1 MB stays on its page',
      items: [600_000, 600_000, 10],
      pages: [1_200_000, 10],
    },
    {
      name: 'a page that ends exactly on the last item is followed by an empty one',
      items: [524_288, 524_288],
      pages: [1_048_576, 0],
    },
  ])('$name', ({ items, pages }) => {
    expect(queryPages(items)).toEqual(pages);
  });
});

describe('queryLayout', () => {
  it.each([
    { brokers: 3, requests: 1, readUnits: 0.5 },
    { brokers: 1_000, requests: 1, readUnits: 57 },
    // 2 256 items (1 049 040 B: 257 units) on the first page, 744 (345 960 B: 85 units) on the second.
    { brokers: 3_000, requests: 2, readUnits: 128.5 + 42.5 },
  ])(
    'reads $brokers items of 465 bytes in $requests requests for $readUnits units',
    ({ brokers, requests, readUnits: units }) => {
      const layout = queryLayout(Array(brokers).fill(465), 'eventual');
      expect(layout).toMatchObject({ requests, readUnits: units, bytesRead: 465 * brokers });
    },
  );
});

describe('fleetLoad', () => {
  const prober: ProberLoad = {
    roundsPerSecond: 1 / 15,
    nodeWriteUnitsPerRound: 1.5,
    leaseWriteUnitsPerRound: 1,
  };
  const layout = (readUnits: number): ReadLayout => ({
    name: 'test',
    requests: 1,
    readUnits,
    bytesRead: 0,
  });

  it.each([
    {
      name: '10 000 containers reading half a unit every 2 s use 83% of the partition',
      readUnits: 0.5,
      containers: 10_000,
      expected: {
        readRequestsPerSecond: 5_000 + 1 / 15,
        readUnitsPerSecond: 2_500 + 0.5 / 15,
        partitionReadShare: (2_500 + 0.5 / 15) / 3_000,
        maxContainers: 11_999,
        monthlyReadCost: 821.26,
      },
    },
    {
      name: '1 000 containers reading 57 units every 2 s need 9.5 partitions',
      readUnits: 57,
      containers: 1_000,
      expected: {
        readRequestsPerSecond: 500 + 1 / 15,
        readUnitsPerSecond: 28_500 + 57 / 15,
        partitionReadShare: (28_500 + 57 / 15) / 3_000,
        maxContainers: 105,
        monthlyReadCost: 9_363.5,
      },
    },
    {
      name: 'no container fits when the prober alone reads past the limit',
      readUnits: 50_000,
      containers: 0,
      expected: {
        readRequestsPerSecond: 1 / 15,
        readUnitsPerSecond: 50_000 / 15,
        partitionReadShare: 50_000 / 15 / 3_000,
        maxContainers: 0,
        monthlyReadCost: 1_095,
      },
    },
  ])('$name', ({ readUnits, containers, expected }) => {
    const load = fleetLoad({
      layout: layout(readUnits),
      containers,
      cacheTtlMs: 2_000,
      prober,
      prices: US_EAST_1_ON_DEMAND,
    });
    expect(load.readRequestsPerSecond).toBeCloseTo(expected.readRequestsPerSecond, 6);
    expect(load.readUnitsPerSecond).toBeCloseTo(expected.readUnitsPerSecond, 6);
    expect(load.partitionReadShare).toBeCloseTo(expected.partitionReadShare, 6);
    expect(load.maxContainers).toBe(expected.maxContainers);
    expect(load.monthlyReadCost).toBeCloseTo(expected.monthlyReadCost, 2);
  });

  it('charges the prober for health and lease writes, but counts only health writes against the node partition', () => {
    const load = fleetLoad({
      layout: layout(0.5),
      containers: 10,
      cacheTtlMs: 2_000,
      prober,
      prices: US_EAST_1_ON_DEMAND,
    });
    expect(load.writeUnitsPerSecond).toBeCloseTo(2.5 / 15, 9);
    expect(load.partitionWriteShare).toBeCloseTo(1.5 / 15 / 1_000, 9);
    // 730 hours of 1/6 unit a second at $0.625 a million.
    expect(load.monthlyWriteCost).toBeCloseTo(((2.5 / 15) * 730 * 3_600 * 0.625) / 1e6, 9);
  });
});

describe('snapshotLayout', () => {
  it.each([
    { bytes: 190, units: 0.5 },
    { bytes: 4_096, units: 0.5 },
    { bytes: 5_900, units: 1 },
    { bytes: 16_384, units: 2 },
    { bytes: 16_385, units: 2.5 },
  ])('reads a $bytes B snapshot with one request of $units units', ({ bytes, units }) => {
    expect(snapshotLayout(bytes, 2)).toMatchObject({
      requests: 1,
      readUnits: units,
      bytesRead: bytes,
      snapshotCopies: 2,
    });
  });
});

describe('fleetLoad with fleet snapshot copies', () => {
  // A 1 000-broker fleet: the prober's two Queries a round (eventual 56.5, strong 113 units).
  const prober: ProberLoad = {
    roundsPerSecond: 1 / 15,
    nodeWriteUnitsPerRound: 500,
    leaseWriteUnitsPerRound: 1,
    readUnitsPerRound: 169.5,
    readRequestsPerRound: 2,
    snapshotWriteUnitsPerRound: 7,
  };

  it.each([
    {
      name: 'one copy of 1 unit carries 6 000 containers at a 2 s TTL',
      copies: 1,
      containers: 1_000,
      share: 500 / 3_000,
      maxContainers: 6_000,
    },
    {
      name: 'two copies halve the busiest partition and double the containers',
      copies: 2,
      containers: 10_000,
      share: 2_500 / 3_000,
      maxContainers: 12_000,
    },
    {
      name: 'with few containers the node partition (the prober alone) is the busiest',
      copies: 4,
      containers: 10,
      share: 169.5 / 15 / 3_000,
      maxContainers: 24_000,
    },
  ])('$name', ({ copies, containers, share, maxContainers }) => {
    const load = fleetLoad({
      layout: snapshotLayout(5_900, copies),
      containers,
      cacheTtlMs: 2_000,
      prober,
      prices: US_EAST_1_ON_DEMAND,
    });
    expect(load.readRequestsPerSecond).toBeCloseTo(containers / 2 + 2 / 15, 9);
    expect(load.readUnitsPerSecond).toBeCloseTo(containers / 2 + 169.5 / 15, 9);
    expect(load.partitionReadShare).toBeCloseTo(share, 9);
    expect(load.maxContainers).toBe(maxContainers);
  });

  it('charges the snapshot writes, outside the node partition', () => {
    const load = fleetLoad({
      layout: snapshotLayout(5_900, 1),
      containers: 10,
      cacheTtlMs: 2_000,
      prober,
      prices: US_EAST_1_ON_DEMAND,
    });
    expect(load.writeUnitsPerSecond).toBeCloseTo((500 + 1 + 7) / 15, 9);
    expect(load.partitionWriteShare).toBeCloseTo(500 / 15 / 1_000, 9);
  });
});
