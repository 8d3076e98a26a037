import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { InvalidAmqpUrlError } from '../../src/core/amqp-endpoint.js';
import { InvalidNodeIdError } from '../../src/core/node-id.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { createDynamoDbClients } from '../../src/registry/dynamodb-client.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { RegistryUnavailableError } from '../../src/registry/health-registry.js';
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

  it('re-registering updates the endpoint and leaves health and admin state alone', async () => {
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
