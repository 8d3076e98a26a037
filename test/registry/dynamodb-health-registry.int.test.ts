import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { InvalidAmqpUrlError } from '../../src/core/amqp-endpoint.js';
import { InvalidNodeIdError } from '../../src/core/node-id.js';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { NodeNotFoundError, RegistryUnavailableError } from '../../src/registry/health-registry.js';
import { freshRegistry } from '../support/registry.js';

const at = new Date('2026-11-26T12:00:00.000Z');

describe('DynamoDbHealthRegistry', () => {
  it('registers a new broker as active with initial health', async () => {
    const { registry } = await freshRegistry();

    const outcome = await registry.registerNode(
      { id: 'b1', endpoint: 'amqp://10.0.1.5:5672', az: 'eu-west-1a' },
      at,
    );

    const { nodes, rejected } = await registry.listNodes();
    expect(outcome).toBe('created');
    expect(rejected).toEqual([]);
    expect(nodes).toEqual([
      {
        id: 'b1',
        endpoint: 'amqp://10.0.1.5:5672',
        az: 'eu-west-1a',
        labels: {},
        health: { state: 'initial' },
        admin: { state: 'active', since: at.toISOString() },
        registeredAt: at.toISOString(),
        consecutiveSuccesses: 0,
        consecutiveFailures: 0,
        flapCount: 0,
        probeSeq: 0,
        version: 0,
      },
    ]);
  });

  it('re-registering updates the endpoint and leaves health, admin state and unmentioned labels alone', async () => {
    const { registry, clients, tableName } = await freshRegistry();
    await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672' }, at);
    await clients.documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'node', sk: 'b1' },
        UpdateExpression: 'SET admin = :admin, health = :health, probeSeq = :seq',
        ExpressionAttributeValues: {
          ':admin': { state: 'draining', since: at.toISOString() },
          ':health': { state: 'unhealthy', since: at.toISOString(), reason: 'refused' },
          ':seq': 7,
        },
      }),
    );

    const outcome = await registry.registerNode(
      { id: 'b1', endpoint: 'amqp://10.0.9.9:5673' },
      new Date(),
    );
    const labels = { rack: 'r1' };
    await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.9.9:5673', labels }, new Date());
    await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.9.9:5673' }, new Date());

    const [node] = (await registry.listNodes()).nodes;
    expect(outcome).toBe('updated');
    expect(node?.endpoint).toBe('amqp://10.0.9.9:5673');
    expect(node?.admin.state).toBe('draining');
    expect(node?.health).toEqual({
      state: 'unhealthy',
      since: at.toISOString(),
      reason: 'refused',
    });
    expect(node?.probeSeq).toBe(7);
    expect(node?.registeredAt).toBe(at.toISOString());
    expect(node?.labels).toEqual({ rack: 'r1' });
  });

  describe('health writes', () => {
    const record = {
      health: { state: 'healthy' as const, since: at.toISOString() },
      consecutiveSuccesses: 1,
      consecutiveFailures: 0,
      flapCount: 0,
      lastTransitionAt: at.toISOString(),
    };
    const write = {
      id: 'b1',
      expectedVersion: 0,
      probeSeq: 10,
      record,
      probedAt: at.toISOString(),
      latencyMs: 1.5,
    };

    it('lands with the expected version and a newer probe sequence, and bumps the version', async () => {
      const { registry } = await freshRegistry();
      await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672' }, at);

      expect(await registry.recordHealth(write)).toBe('written');

      const [node] = (await registry.listNodes()).nodes;
      expect(node).toMatchObject({
        health: record.health,
        probeSeq: 10,
        version: 1,
        latencyMs: 1.5,
        lastProbeAt: at.toISOString(),
      });
    });

    it('clears the latency when a probe measured none, so a dead broker does not look fast', async () => {
      const { registry } = await freshRegistry();
      await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672' }, at);
      await registry.recordHealth(write);
      const { latencyMs: _none, ...failed } = write;

      await registry.recordHealth({ ...failed, expectedVersion: 1, probeSeq: 11 });

      expect((await registry.listNodes()).nodes[0]).not.toHaveProperty('latencyMs');
    });

    it.each([
      ['a stale version', { expectedVersion: 0, probeSeq: 20 }],
      ['an older probe sequence', { expectedVersion: 1, probeSeq: 5 }],
      ['the same probe sequence', { expectedVersion: 1, probeSeq: 10 }],
    ])('is refused as a conflict with %s', async (_, change) => {
      const { registry } = await freshRegistry();
      await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672' }, at);
      await registry.recordHealth(write);

      expect(
        await registry.recordHealth({
          ...write,
          ...change,
          record: { ...record, consecutiveFailures: 3 },
        }),
      ).toBe('conflict');
      expect((await registry.listNodes()).nodes[0]).toMatchObject({
        version: 1,
        probeSeq: 10,
        consecutiveFailures: 0,
      });
    });

    it('is refused for a broker that is not registered, without creating it', async () => {
      const { registry } = await freshRegistry();
      expect(await registry.recordHealth(write)).toBe('conflict');
      expect((await registry.listNodes()).nodes).toEqual([]);
    });

    it('never touches admin state, and admin writes never touch health', async () => {
      const { registry } = await freshRegistry();
      await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672' }, at);
      await registry.setAdminState('b1', 'maintenance', at);
      await registry.recordHealth(write);
      await registry.setAdminState('b1', 'draining', new Date('2026-11-26T13:00:00.000Z'));

      const [node] = (await registry.listNodes()).nodes;
      expect(node?.admin).toEqual({ state: 'draining', since: '2026-11-26T13:00:00.000Z' });
      expect(node).toMatchObject({ health: record.health, version: 1, probeSeq: 10 });
    });
  });

  it('refuses an admin change for an unknown broker with NodeNotFoundError', async () => {
    const { registry } = await freshRegistry();
    await expect(registry.setAdminState('b9', 'draining', at)).rejects.toBeInstanceOf(
      NodeNotFoundError,
    );
    expect((await registry.listNodes()).nodes).toEqual([]);
  });

  it('gives the prober lease to one holder at a time until it expires or is released', async () => {
    const { registry } = await freshRegistry();
    const t = (seconds: number) => new Date(at.getTime() + seconds * 1000);

    expect(await registry.acquireLease('a', t(0), 10_000)).toBe(true);
    expect(await registry.acquireLease('b', t(5), 10_000)).toBe(false);
    expect(await registry.acquireLease('a', t(5), 10_000, { probed: 3 })).toBe(true);
    expect(await registry.acquireLease('b', t(14), 10_000)).toBe(false);
    expect(await registry.acquireLease('b', t(16), 10_000)).toBe(true);
    await registry.releaseLease('a', t(17));
    expect((await registry.readLease())?.holder).toBe('b');
    await registry.releaseLease('b', t(18));
    expect(await registry.acquireLease('a', t(18.5), 10_000)).toBe(true);
    expect(await registry.readLease()).toMatchObject({
      holder: 'a',
      expiresAt: t(28.5).toISOString(),
    });
  });

  it('lists brokers in id order and reports a malformed item instead of failing the whole read', async () => {
    const { registry, clients, tableName } = await freshRegistry();
    await registry.registerNode({ id: 'b2', endpoint: 'amqp://10.0.1.6:5672' }, at);
    await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.1.5:5672' }, at);
    await clients.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'node', sk: 'b0', endpoint: 'amqp://x:1', health: 'bad' },
      }),
    );

    const { nodes, rejected } = await registry.listNodes();

    expect(nodes.map((node) => node.id)).toEqual(['b1', 'b2']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.key).toBe('b0');
  });

  it.each([
    [
      'credentials in the endpoint',
      { id: 'b1', endpoint: 'amqp://app:secret@10.0.1.5:5672' },
      InvalidAmqpUrlError,
    ],
    ['a non-AMQP endpoint', { id: 'b1', endpoint: 'http://10.0.1.5:5672' }, InvalidAmqpUrlError],
    ['an invalid id', { id: 'B 1', endpoint: 'amqp://10.0.1.5:5672' }, InvalidNodeIdError],
  ])('rejects a registration with %s and writes nothing', async (_, registration, errorClass) => {
    const { registry } = await freshRegistry();

    await expect(registry.registerNode(registration, at)).rejects.toBeInstanceOf(errorClass);
    await expect(registry.registerNode(registration, at)).rejects.not.toThrow(/secret/);
    expect((await registry.listNodes()).nodes).toEqual([]);
  });

  it('reports an unreachable DynamoDB as RegistryUnavailableError', async () => {
    const [port] = await findFreePorts(1);
    const { documentClient } = createDynamoDbClients({ endpoint: `http://127.0.0.1:${port}` });
    const registry = new DynamoDbHealthRegistry({ client: documentClient, tableName: 'absent' });

    await expect(registry.listNodes()).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
