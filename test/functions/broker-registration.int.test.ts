import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENV } from '../../src/config.js';
import type { CustomResourceHandler } from '../../src/custom-resource/create-custom-resource-handler.js';
import type { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import {
  customResourceRequest,
  type ResponseServer,
  startResponseServer,
} from '../custom-resource/response-server.js';
import { freshRegistry, stubRegistryEnv } from '../support/registry.js';

/** The environment the registry stack gives the function, pointing at the harness's dynalite. */
function deploymentEnv(tableName: string): void {
  stubRegistryEnv(tableName);
}

const broker = (nodeId: string, ip: string, extra: Record<string, unknown> = {}) => ({
  NodeId: nodeId,
  Endpoint: `amqps://${ip}:5671`,
  ManagementEndpoint: `https://${ip}:15671`,
  Az: 'eu-west-1a',
  Labels: { instanceId: 'i-0123456789abcdef0', stack: `WarrenBroker-${nodeId}` },
  ...extra,
});

describe('functions/broker-registration handler', () => {
  let registry: DynamoDbHealthRegistry;
  let handler: CustomResourceHandler;
  let server: ResponseServer;

  const nodeById = async (id: string) =>
    (await registry.listNodes()).nodes.find((node) => node.id === id);
  /** Sends one request through the handler and returns CloudFormation's view of the answer. */
  const send = async (request: Parameters<typeof customResourceRequest>[1]) => {
    const before = server.received.length;
    await handler(customResourceRequest(server.url(), request));
    expect(server.received).toHaveLength(before + 1);
    return (server.received[before] as (typeof server.received)[number]).body;
  };

  beforeAll(async () => {
    const fresh = await freshRegistry();
    registry = fresh.registry;
    deploymentEnv(fresh.tableName);
    vi.resetModules();
    ({ handler } = await import('../../functions/broker-registration.js'));
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });
  beforeEach(async () => {
    server = await startResponseServer();
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await server.close();
  });

  it('registers the broker on Create: active, health initial, with its endpoints, AZ and labels', async () => {
    const response = await send({
      RequestType: 'Create',
      ResourceProperties: broker('b1', '10.0.1.5'),
    });

    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'b1',
      Data: { NodeId: 'b1' },
      LogicalResourceId: 'Registration',
    });
    expect(await nodeById('b1')).toMatchObject({
      endpoint: 'amqps://10.0.1.5:5671',
      managementEndpoint: 'https://10.0.1.5:15671',
      az: 'eu-west-1a',
      labels: { instanceId: 'i-0123456789abcdef0', stack: 'WarrenBroker-b1' },
      admin: { state: 'active' },
      health: { state: 'initial' },
    });
  });

  it('updates the endpoint of the same broker on Update and keeps the admin state an operator set', async () => {
    await send({ RequestType: 'Create', ResourceProperties: broker('b2', '10.0.2.5') });
    await registry.setAdminState('b2', 'draining', new Date());

    const response = await send({
      RequestType: 'Update',
      PhysicalResourceId: 'b2',
      ResourceProperties: broker('b2', '10.0.2.9', { Az: 'eu-west-1b' }),
      OldResourceProperties: broker('b2', '10.0.2.5'),
    });

    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'b2',
      Data: { NodeId: 'b2' },
    });
    expect(await nodeById('b2')).toMatchObject({
      endpoint: 'amqps://10.0.2.9:5671',
      managementEndpoint: 'https://10.0.2.9:15671',
      az: 'eu-west-1b',
      admin: { state: 'draining' },
    });
  });

  it('leaves a broker an operator retired retired on an Update of the same node', async () => {
    await send({ RequestType: 'Create', ResourceProperties: broker('b4', '10.0.4.5') });
    await registry.setAdminState('b4', 'retired', new Date());

    await send({
      RequestType: 'Update',
      PhysicalResourceId: 'b4',
      ResourceProperties: broker('b4', '10.0.4.9'),
      OldResourceProperties: broker('b4', '10.0.4.5'),
    });

    expect(await nodeById('b4')).toMatchObject({
      endpoint: 'amqps://10.0.4.9:5671',
      admin: { state: 'retired' },
    });
  });

  it('retires the broker on Delete', async () => {
    await send({ RequestType: 'Create', ResourceProperties: broker('b3', '10.0.3.5') });

    const response = await send({
      RequestType: 'Delete',
      PhysicalResourceId: 'b3',
      ResourceProperties: broker('b3', '10.0.3.5'),
    });

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'b3' });
    expect((await nodeById('b3'))?.admin.state).toBe('retired');
  });

  it('succeeds in deleting a broker the registry does not know', async () => {
    const response = await send({
      RequestType: 'Delete',
      PhysicalResourceId: 'b404',
      ResourceProperties: broker('b404', '10.0.4.4'),
    });

    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'b404',
      Reason: 'broker b404 is not in the registry: nothing to retire',
    });
    expect(await nodeById('b404')).toBeUndefined();
  });

  it('sets a retired broker active again when its stack is deployed again', async () => {
    await send({ RequestType: 'Create', ResourceProperties: broker('b5', '10.0.5.5') });
    await send({
      RequestType: 'Delete',
      PhysicalResourceId: 'b5',
      ResourceProperties: broker('b5', '10.0.5.5'),
    });
    expect((await nodeById('b5'))?.admin.state).toBe('retired');

    const response = await send({
      RequestType: 'Create',
      ResourceProperties: broker('b5', '10.0.5.6'),
    });

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'b5' });
    expect(await nodeById('b5')).toMatchObject({
      endpoint: 'amqps://10.0.5.6:5671',
      admin: { state: 'active' },
    });
  });

  it('leaves a drained broker drained when its stack is created again', async () => {
    await send({ RequestType: 'Create', ResourceProperties: broker('b6', '10.0.6.5') });
    await registry.setAdminState('b6', 'maintenance', new Date());

    await send({ RequestType: 'Create', ResourceProperties: broker('b6', '10.0.6.5') });

    expect((await nodeById('b6'))?.admin.state).toBe('maintenance');
  });

  it('registers the new id under a new physical id when an Update changes NodeId, and retires the old one on its Delete', async () => {
    await send({ RequestType: 'Create', ResourceProperties: broker('b7', '10.0.7.5') });

    const update = await send({
      RequestType: 'Update',
      PhysicalResourceId: 'b7',
      ResourceProperties: broker('b8', '10.0.7.5'),
      OldResourceProperties: broker('b7', '10.0.7.5'),
    });
    expect(update).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'b8',
      Data: { NodeId: 'b8' },
    });
    expect((await nodeById('b8'))?.admin.state).toBe('active');
    expect((await nodeById('b7'))?.admin.state).toBe('active');

    // What CloudFormation does next, once the update succeeded.
    await send({
      RequestType: 'Delete',
      PhysicalResourceId: 'b7',
      ResourceProperties: broker('b7', '10.0.7.5'),
    });
    expect((await nodeById('b7'))?.admin.state).toBe('retired');
    expect((await nodeById('b8'))?.admin.state).toBe('active');
  });

  it('fails a Create with invalid properties, writing nothing and never echoing a credential', async () => {
    const response = await send({
      RequestType: 'Create',
      ResourceProperties: broker('B 9', '10.0.9.5', {
        Endpoint: 'amqps://warren:s3cr3t-pw@10.0.9.5:5671',
      }),
    });

    expect(response).toMatchObject({ Status: 'FAILED' });
    expect(response.Reason).toMatch(
      /^InvalidPropertiesError: invalid ResourceProperties: NodeId: .*; Endpoint: must be an amqp/,
    );
    expect(response.Reason).not.toContain('s3cr3t-pw');
    expect((await registry.listNodes()).nodes.map((node) => node.id)).not.toContain('B 9');
  });
});

describe('functions/broker-registration handler without a usable configuration', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
    vi.restoreAllMocks();
  });

  it('answers FAILED naming the bad variable instead of crashing at init', async () => {
    vi.stubEnv(ENV.registryTable, 'no spaces allowed');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.resetModules();
    const { handler } = await import('../../functions/broker-registration.js');
    const server = await startResponseServer();
    try {
      await handler(
        customResourceRequest(server.url(), {
          RequestType: 'Create',
          ResourceProperties: broker('b1', '10.0.1.5'),
        }),
      );

      expect(server.only().body).toMatchObject({
        Status: 'FAILED',
        Reason: `ConfigError: invalid configuration: ${ENV.registryTable}: must be a DynamoDB table name`,
      });
    } finally {
      await server.close();
    }
  });
});
