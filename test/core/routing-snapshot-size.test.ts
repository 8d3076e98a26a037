import { describe, expect, it } from 'vitest';
import type { BrokerNode } from '../../src/core/broker-node.js';
import { decodeRoutingSnapshot } from '../../src/core/decode-routing-snapshot.js';
import { encodeRoutingSnapshot, routingNodeOf } from '../../src/core/routing-snapshot.js';
import { brokerNode } from '../support/broker-node.js';

/** An eventually consistent GetItem of up to 16 KB costs 2 read units (4 KB each, halved). */
const TWO_READ_UNITS_BYTES = 16 * 1024;
/** The copy item's key and other attributes (`pk`, `sk`, `d`, `seq`, `at`, `n` and their values), generously. */
const ITEM_OVERHEAD_BYTES = 100;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const NOW_MS = Date.parse('2026-12-07T16:00:05.000Z');

/**
 * A fleet in a steady state as the deployed prober leaves it: 97% healthy,
 * some degraded, unhealthy and draining; last probes from this round and the
 * one before; a probe latency of 1.5-9.5 ms with the prober's 0.01 ms; labels
 * with EC2 instance ids (which the snapshot must leave out: 17 random hex digits each).
 */
function fleet(count: number, endpoint: (n: number, random: () => number) => string): BrokerNode[] {
  let seed = 11;
  const random = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const roll = random();
    const since = new Date(NOW_MS - Math.floor(random() * 86_400_000)).toISOString();
    const health: BrokerNode['health'] =
      roll < 0.97
        ? { state: 'healthy', since }
        : roll < 0.985
          ? { state: 'degraded', since, reason: 'publish confirmed in 312 ms, over 250 ms' }
          : { state: 'unhealthy', since, reason: 'tcp: connect ECONNREFUSED' };
    return brokerNode(`b${n}`, {
      endpoint: endpoint(n, random),
      az: ZONES[i % ZONES.length] as string,
      labels: {
        instanceId: `i-0${Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('')}`,
        stack: `WarrenBroker-b${n}`,
      },
      health,
      admin: { state: n % 97 === 0 ? 'draining' : 'active', since },
      lastProbeAt: new Date(NOW_MS - 3_000 - (n % 2) * 15_000).toISOString(),
      latencyMs: Math.round((1.5 + 8 * random()) * 100) / 100,
    });
  });
}

const dnsEndpoint = (n: number) => `amqps://b-${n}.warren.internal:5671`;
/** As `infra/broker-stack.ts` registers a broker: its private address, scattered over a /16. */
const addressEndpoint = (_n: number, random: () => number) =>
  `amqps://10.0.${Math.floor(random() * 256)}.${Math.floor(random() * 254) + 1}:5671`;

describe('the encoded fleet snapshot', () => {
  it.each([
    ['DNS names', dnsEndpoint],
    ['private addresses', addressEndpoint],
  ])('holds 1 000 brokers with %s in one item of at most 2 read units', (_name, endpoint) => {
    const nodes = fleet(1_000, endpoint);
    const snapshot = {
      sequence: 123_456,
      writtenAt: new Date(NOW_MS).toISOString(),
      nodes: nodes.map(routingNodeOf),
    };
    const bytes = encodeRoutingSnapshot(snapshot);

    expect(bytes.byteLength + ITEM_OVERHEAD_BYTES).toBeLessThanOrEqual(TWO_READ_UNITS_BYTES);
    expect(decodeRoutingSnapshot(bytes)).toEqual({ ok: true, snapshot });
  });

  it('grows with the fleet far slower than the broker items (about 460 B each)', () => {
    const sizes = [3, 30, 300, 1_000].map(
      (count) =>
        encodeRoutingSnapshot({
          sequence: 1,
          writtenAt: new Date(NOW_MS).toISOString(),
          nodes: fleet(count, addressEndpoint).map(routingNodeOf),
        }).byteLength,
    );
    // Under 8 B a broker at 1 000: a 60th of an item each.
    expect((sizes[3] as number) / 1_000).toBeLessThan(8);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  });
});
