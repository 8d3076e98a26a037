import { describe, expect, it } from 'vitest';
import { fanIn, syntheticContainerIds } from '../../bench/broker-fan-in/fan-in-model.js';
import { DEFAULT_SUBSET_SIZE } from '../../src/core/broker-subset.js';

const brokerIds = (count: number) => Array.from({ length: count }, (_, i) => `b${i + 1}`);

describe('fanIn', () => {
  it.each([
    { name: 'no subsetting', containers: 50, brokers: 10, subsetSize: 0 },
    { name: 'a subset as large as the fleet', containers: 50, brokers: 6, subsetSize: 6 },
    { name: 'a subset larger than the fleet', containers: 50, brokers: 3, subsetSize: 6 },
  ])(
    'holds one connection per container on every broker with $name',
    ({ containers, brokers, subsetSize }) => {
      const model = fanIn({
        containerIds: syntheticContainerIds(containers),
        brokerIds: brokerIds(brokers),
        subsetSize,
      });

      expect(model).toMatchObject({
        without: containers,
        mean: containers,
        min: containers,
        max: containers,
        maxShare: 1,
        maxOverMean: 1,
        reconnects: 0,
      });
    },
  );

  it.each([
    { containers: 1, brokers: 10, subsetSize: 1 },
    { containers: 100, brokers: 10, subsetSize: 3 },
    { containers: 1_000, brokers: 30, subsetSize: 6 },
  ])(
    'gives $containers containers $subsetSize connections each over $brokers brokers',
    ({ containers, brokers, subsetSize }) => {
      const model = fanIn({
        containerIds: syntheticContainerIds(containers),
        brokerIds: brokerIds(brokers),
        subsetSize,
      });

      expect(model.mean * brokers).toBe(containers * subsetSize);
      expect(model.min).toBeLessThanOrEqual(model.mean);
      expect(model.max).toBeGreaterThanOrEqual(model.mean);
      // Every container that held the busiest broker opens one connection elsewhere.
      expect(model.reconnects).toBe(model.max);
    },
  );

  it('holds each of 100 brokers to at most a tenth of the connections of 10 000 containers with the default subset', () => {
    const model = fanIn({
      containerIds: syntheticContainerIds(10_000),
      brokerIds: brokerIds(100),
      subsetSize: DEFAULT_SUBSET_SIZE,
    });

    expect(model.mean).toBe(600);
    expect(model.maxShare).toBeLessThanOrEqual(0.1);
    expect(model.maxOverMean).toBeLessThanOrEqual(1.3);
    // The busiest broker's containers spread over the others: no one takes them all.
    expect(model.maxAfterLoss).toBeLessThan(model.max + model.reconnects / 10);
  });

  it('counts nothing for an empty fleet', () => {
    expect(fanIn({ containerIds: ['c1'], brokerIds: [], subsetSize: 6 })).toMatchObject({
      max: 0,
      mean: 0,
      reconnects: 0,
      maxAfterLoss: 0,
    });
  });
});

describe('syntheticContainerIds', () => {
  it('gives distinct version 4 UUIDs, the same on every call', () => {
    const ids = syntheticContainerIds(1_000);

    expect(new Set(ids).size).toBe(1_000);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(syntheticContainerIds(1_000)).toEqual(ids);
  });
});
