import { describe, expect, it } from 'vitest';
import { decodeNodeItem } from '../../src/registry/node-item.js';

/** An item as the registry stores it after registration and a few probes. */
function storedItem(): Record<string, unknown> {
  return {
    pk: 'node',
    sk: 'b1',
    endpoint: 'amqp://127.0.0.1:5673',
    managementEndpoint: 'http://127.0.0.1:15673',
    az: 'eu-west-1a',
    labels: { fleet: 'local' },
    health: { state: 'healthy', since: '2026-01-01T00:00:05.000Z' },
    admin: { state: 'active', since: '2026-01-01T00:00:00.000Z' },
    registeredAt: '2026-01-01T00:00:00.000Z',
    lastProbeAt: '2026-01-01T00:00:07.000Z',
    lastTransitionAt: '2026-01-01T00:00:05.000Z',
    latencyMs: 3.5,
    consecutiveSuccesses: 4,
    consecutiveFailures: 0,
    flapCount: 1,
    probeSeq: 12,
    version: 7,
  };
}

function without(key: string): Record<string, unknown> {
  const { [key]: _removed, ...rest } = storedItem();
  return rest;
}

describe('decodeNodeItem', () => {
  it('decodes a stored item into a BrokerNode whose id is the sort key', () => {
    const { pk: _pk, sk: _sk, ...fields } = storedItem();
    expect(decodeNodeItem(storedItem())).toStrictEqual({
      ok: true,
      node: { id: 'b1', ...fields },
    });
  });

  it('decodes a freshly registered item with only the required fields', () => {
    const item = {
      pk: 'node',
      sk: 'b2',
      endpoint: 'amqps://mq.internal:5671/orders',
      health: { state: 'initial' },
      admin: { state: 'active', since: '2026-01-01T00:00:00+02:00' },
      registeredAt: '2026-01-01T00:00:00+02:00',
      consecutiveSuccesses: 0,
      consecutiveFailures: 0,
      flapCount: 0,
      probeSeq: 0,
      version: 0,
    };
    const { pk: _pk, sk: _sk, ...fields } = item;
    expect(decodeNodeItem(item)).toStrictEqual({
      ok: true,
      node: { id: 'b2', ...fields, labels: {} },
    });
  });

  it.each([
    { state: 'initial' },
    { state: 'healthy', since: '2026-01-01T00:00:05.000Z' },
    { state: 'degraded', since: '2026-01-01T00:00:05.000Z', reason: 'memory alarm' },
    { state: 'blocked', since: '2026-01-01T00:00:05.000Z', reason: 'connection.blocked' },
    { state: 'unhealthy', since: '2026-01-01T00:00:05.000Z', reason: 'ECONNREFUSED' },
  ])('decodes health state $state', (health) => {
    const result = decodeNodeItem({ ...storedItem(), health });
    expect(result.ok && result.node.health).toStrictEqual(health);
  });

  it.each(['active', 'draining', 'maintenance', 'retired'])('decodes admin state %s', (state) => {
    const admin = { state, since: '2026-01-01T00:00:00.000Z' };
    const result = decodeNodeItem({ ...storedItem(), admin });
    expect(result.ok && result.node.admin).toStrictEqual(admin);
  });

  it.each([
    [
      'an unknown health state',
      { ...storedItem(), health: { state: 'sick', since: '2026-01-01T00:00:05.000Z' } },
      'health.state',
    ],
    [
      'a healthy state without since',
      { ...storedItem(), health: { state: 'healthy' } },
      'health.since',
    ],
    [
      'an unhealthy state without reason',
      { ...storedItem(), health: { state: 'unhealthy', since: '2026-01-01T00:00:05.000Z' } },
      'health.reason',
    ],
    [
      'an unknown admin state',
      { ...storedItem(), admin: { state: 'paused', since: '2026-01-01T00:00:00.000Z' } },
      'admin.state',
    ],
    ['a missing version', without('version'), 'version'],
    ['a fractional version', { ...storedItem(), version: 1.5 }, 'version'],
    [
      'a negative failure count',
      { ...storedItem(), consecutiveFailures: -1 },
      'consecutiveFailures',
    ],
    ['a probe sequence stored as a string', { ...storedItem(), probeSeq: '12' }, 'probeSeq'],
    ['a negative latency', { ...storedItem(), latencyMs: -1 }, 'latencyMs'],
    [
      'an endpoint containing credentials',
      { ...storedItem(), endpoint: 'amqp://app:s3cret@127.0.0.1:5673' },
      'endpoint',
    ],
    [
      'an endpoint that is not AMQP',
      { ...storedItem(), endpoint: 'http://127.0.0.1:5673' },
      'endpoint',
    ],
    ['a missing endpoint', without('endpoint'), 'endpoint'],
    [
      'a management endpoint that is not a URL',
      { ...storedItem(), managementEndpoint: 'localhost' },
      'managementEndpoint',
    ],
    ['the lease partition', { ...storedItem(), pk: 'lease' }, 'pk'],
    ['a missing partition key', without('pk'), 'pk'],
    [
      'a registration time that is not ISO 8601',
      { ...storedItem(), registeredAt: 'yesterday' },
      'registeredAt',
    ],
    ['a date without a time', { ...storedItem(), lastProbeAt: '2026-01-01' }, 'lastProbeAt'],
    ['labels that are not strings', { ...storedItem(), labels: { weight: 3 } }, 'labels.weight'],
  ])('reports an item with %s instead of throwing', (_case, item, path) => {
    expect(decodeNodeItem(item)).toStrictEqual({
      ok: false,
      key: 'b1',
      reason: expect.stringContaining(`at ${path}`),
    });
  });

  it('keeps the password of an endpoint with credentials out of the reason', () => {
    const result = decodeNodeItem({
      ...storedItem(),
      endpoint: 'amqp://app:s3cret-pw@127.0.0.1:5673',
    });
    expect(result).toMatchObject({ ok: false, key: 'b1' });
    const reason = result.ok ? '' : result.reason;
    expect(reason).toContain('without credentials');
    expect(reason).not.toContain('s3cret-pw');
  });

  it.each([
    ['a missing sort key', without('sk'), '?'],
    ['an empty sort key', { ...storedItem(), sk: '' }, ''],
    ['a numeric sort key', { ...storedItem(), sk: 42 }, '42'],
  ])('reports an item with %s under key %j', (_case, item, key) => {
    expect(decodeNodeItem(item)).toMatchObject({ ok: false, key });
  });
});
