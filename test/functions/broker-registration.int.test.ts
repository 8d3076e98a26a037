import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import { ENV } from '../../src/config.js';
import type { OnEventHandler } from '../../src/custom-resource/custom-resource-event.js';
import type { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { customResourceEvent } from '../custom-resource/custom-resource-events.js';
import { freshRegistry, stubRegistryEnv } from '../support/registry.js';

// The marker CDK's Provider framework answers a failed Create with (custom-resources runtime).
const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

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
  let handler: OnEventHandler;
  let log: MockInstance<typeof console.log>;

  const nodeById = async (id: string) =>
    (await registry.listNodes()).nodes.find((node) => node.id === id);
  /** Sends one request as the Provider framework does and returns what it would answer with. */
  const send = (request: Parameters<typeof customResourceEvent>[0]) =>
    handler(customResourceEvent(request));
  /** The outcomes the function logged. */
  const outcomes = () =>
    log.mock.calls.map(([line]) => (JSON.parse(String(line)) as { message: string }).message);

  beforeAll(async () => {
    const fresh = await freshRegistry();
    registry = fresh.registry;
    // The environment the registry stack gives the function, pointing at the harness's dynalite.
    stubRegistryEnv(fresh.tableName);
    vi.resetModules();
    ({ handler } = await import('../../functions/broker-registration.js'));
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });
  beforeEach(() => {
    log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('registers the broker on Create: active, health initial, with its endpoints, AZ and labels', async () => {
    const response = await send({
      RequestType: 'Create',
      ResourceProperties: broker('b1', '10.0.1.5'),
    });

    expect(response).toEqual({ PhysicalResourceId: 'b1', Data: { NodeId: 'b1' } });
    expect(outcomes()).toEqual(['broker b1 registered']);
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

    expect(response).toEqual({ PhysicalResourceId: 'b2', Data: { NodeId: 'b2' } });
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

    expect(response).toEqual({ PhysicalResourceId: 'b3' });
    expect((await nodeById('b3'))?.admin.state).toBe('retired');
  });

  it('succeeds in deleting a broker the registry does not know', async () => {
    const response = await send({
      RequestType: 'Delete',
      PhysicalResourceId: 'b404',
      ResourceProperties: broker('b404', '10.0.4.4'),
    });

    expect(response).toEqual({ PhysicalResourceId: 'b404' });
    expect(outcomes()).toEqual(['broker b404 is not in the registry: nothing to retire']);
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

    expect(response).toMatchObject({ PhysicalResourceId: 'b5' });
    expect(outcomes().at(-1)).toBe('broker b5 was retired: registered again and set active');
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
    expect(update).toEqual({ PhysicalResourceId: 'b8', Data: { NodeId: 'b8' } });
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
    const create = send({
      RequestType: 'Create',
      ResourceProperties: broker('B 9', '10.0.9.5', {
        Endpoint: 'amqps://warren:s3cr3t-pw@10.0.9.5:5671',
      }),
    });

    // The Provider framework answers FAILED with this message as the Reason.
    const error = await create.catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'InvalidPropertiesError' });
    expect((error as Error).message).toMatch(
      /^invalid ResourceProperties: NodeId: .*; Endpoint: must be an amqp/,
    );
    expect((error as Error).message).not.toContain('s3cr3t-pw');
    expect((await registry.listNodes()).nodes.map((node) => node.id)).not.toContain('B 9');
  });

  it('fails an Update whose new properties are invalid, leaving the broker as it was', async () => {
    await send({ RequestType: 'Create', ResourceProperties: broker('b10', '10.0.10.5') });

    await expect(
      send({
        RequestType: 'Update',
        PhysicalResourceId: 'b10',
        ResourceProperties: broker('b10', '10.0.10.9', { ManagementEndpoint: 'http://10.0.10.9' }),
        OldResourceProperties: broker('b10', '10.0.10.5'),
      }),
    ).rejects.toThrow(/^invalid ResourceProperties: ManagementEndpoint: /);
    expect((await nodeById('b10'))?.endpoint).toBe('amqps://10.0.10.5:5671');
  });

  it.each([CREATE_FAILED_MARKER, 'failed-create:5b1e0b40-0000-11ef-8000-0a1b2c3d4e5f'])(
    'deletes %j, an id no broker has, without touching the registry',
    async (physicalId) => {
      const before = (await registry.listNodes()).nodes;

      const response = await send({
        RequestType: 'Delete',
        PhysicalResourceId: physicalId,
        ResourceProperties: broker('b1', '10.0.1.5'),
      });

      expect(response).toEqual({ PhysicalResourceId: physicalId });
      expect(outcomes()).toEqual([`${physicalId} is not a broker id: nothing to retire`]);
      expect((await registry.listNodes()).nodes).toEqual(before);
    },
  );
});

describe('functions/broker-registration handler without a usable configuration', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails its init naming the bad variable, which the Provider framework reports as FAILED', async () => {
    vi.stubEnv(ENV.registryTable, 'no spaces allowed');
    vi.resetModules();

    await expect(import('../../functions/broker-registration.js')).rejects.toThrow(
      `invalid configuration: ${ENV.registryTable}: must be a DynamoDB table name`,
    );
  });
});
