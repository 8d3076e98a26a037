import type { BrokerNode } from '../../src/core/broker-node.js';

/** A broker as the registry returns it: newly registered unless `overrides` say otherwise. */
export function brokerNode(id: string, overrides: Partial<BrokerNode> = {}): BrokerNode {
  return {
    id,
    endpoint: `amqp://10.0.0.${id.replace(/\D/g, '') || '1'}:5672`,
    labels: {},
    health: { state: 'initial' },
    admin: { state: 'active', since: '2026-11-26T11:00:00.000Z' },
    registeredAt: '2026-11-26T11:00:00.000Z',
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
    flapCount: 0,
    probeSeq: 0,
    version: 0,
    ...overrides,
  };
}
