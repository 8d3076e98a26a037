import { describe, expect, it } from 'vitest';
import { createDynamoDbClients } from '../../src/dynamodb/dynamodb-client.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import {
  type HealthRegistry,
  RegistryUnavailableError,
} from '../../src/registry/health-registry.js';
import { freshRegistry } from '../support/registry.js';

const at = new Date('2026-11-26T12:00:00.000Z');
const TTL_MS = 1_000;

/** A registry on a port where nothing listens: every read fails the way a dead DynamoDB does. */
async function unreachableRegistry(tableName: string): Promise<DynamoDbHealthRegistry> {
  const [port] = await findFreePorts(1);
  const { documentClient } = createDynamoDbClients({ endpoint: `http://127.0.0.1:${port}` });
  return new DynamoDbHealthRegistry({ client: documentClient, tableName });
}

describe('createCachedFleetView over DynamoDB', () => {
  it('serves the registered brokers, then the last good snapshot once DynamoDB stops answering', async () => {
    const { registry, tableName } = await freshRegistry();
    await registry.registerNode({ id: 'b1', endpoint: 'amqp://10.0.0.1:5672' }, at);
    await registry.registerNode({ id: 'b2', endpoint: 'amqp://10.0.0.1:5673' }, at);
    // One cache cannot swap its registry, so it reads through this switch.
    let target: Pick<HealthRegistry, 'listNodes'> = registry;
    const errors: RegistryUnavailableError[] = [];
    let nowMs = at.getTime();
    const fleet = createCachedFleetView({
      registry: { listNodes: () => target.listNodes() },
      ttlMs: TTL_MS,
      clock: () => nowMs,
      onRefreshError: (error) => errors.push(error),
    });

    const first = await fleet.read();
    expect(first.source).toBe('fresh');
    expect(first.snapshot.nodes.map((node) => [node.id, node.endpoint])).toEqual([
      ['b1', 'amqp://10.0.0.1:5672'],
      ['b2', 'amqp://10.0.0.1:5673'],
    ]);

    target = await unreachableRegistry(tableName);
    nowMs += TTL_MS;
    const stale = await fleet.read();
    expect(stale).toMatchObject({ source: 'stale', refreshing: true });
    expect(stale.snapshot).toBe(first.snapshot);

    // The SDK retries a refused connection before giving up; wait for the refresh to fail.
    await expect.poll(() => errors.length, { timeout: 30_000 }).toBe(1);
    const fallback = await fleet.read();
    expect(fallback).toMatchObject({ source: 'last-known-good', refreshing: false });
    expect(fallback.snapshot).toBe(first.snapshot);
    expect(fallback.source === 'last-known-good' && fallback.error).toBeInstanceOf(
      RegistryUnavailableError,
    );
    expect(errors[0]?.message).toContain(tableName);

    target = registry;
    await registry.registerNode({ id: 'b3', endpoint: 'amqp://10.0.0.1:5674' }, at);
    nowMs += TTL_MS;
    await fleet.read();
    await expect
      .poll(async () => {
        const view = await fleet.read();
        return [view.source, view.snapshot.nodes.map((node) => node.id)];
      })
      .toEqual(['fresh', ['b1', 'b2', 'b3']]);
  });

  it('rejects the first read with RegistryUnavailableError when DynamoDB never answered', async () => {
    const fleet = createCachedFleetView({
      registry: await unreachableRegistry('absent'),
      ttlMs: TTL_MS,
      clock: () => at.getTime(),
    });

    await expect(fleet.read()).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
