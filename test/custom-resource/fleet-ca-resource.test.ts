import { X509Certificate } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OnEventHandler } from '../../src/custom-resource/custom-resource-event.js';
import { createFleetCaResource } from '../../src/custom-resource/fleet-ca-resource.js';
import { type FleetCa, serializeFleetCa } from '../../src/tls/fleet-ca.js';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';
import { InMemoryFleetCaStore } from '../tls/in-memory-fleet-ca-store.js';
import { customResourceEvent } from './custom-resource-events.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:WarrenFleetCa-AbCdEf';
const OTHER_SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:WarrenFleetCa-GhIjKl';
const PLACEHOLDER = 'u8#kQ2random-placeholder-from-cdk';

describe('fleet CA custom resource', () => {
  let stores: Map<string, InMemoryFleetCaStore>;
  let existing: FleetCa;
  let logged: string[];
  let onEvent: OnEventHandler;

  const request = (body: Parameters<typeof customResourceEvent>[0]) =>
    onEvent(customResourceEvent(body, 'Custom::WarrenFleetCa'));

  beforeAll(() => {
    existing = generateFleetCa({ now: new Date() });
  });
  beforeEach(() => {
    stores = new Map([[SECRET_ARN, new InMemoryFleetCaStore(PLACEHOLDER)]]);
    logged = [];
    onEvent = createFleetCaResource({
      storeFor: (arn) => {
        const store = stores.get(arn);
        if (!store) throw new Error(`no secret ${arn}`);
        return store;
      },
      now: () => new Date(),
      log: (message) => logged.push(message),
    });
  });

  it('generates the CA on Create, stores it in the secret and returns only the certificate', async () => {
    const result = await request({
      RequestType: 'Create',
      ResourceProperties: {
        SecretArn: SECRET_ARN,
        CommonName: 'prod fleet CA',
        ValidityDays: '3650',
      },
    });

    const stored = JSON.parse(stores.get(SECRET_ARN)?.value ?? '{}') as FleetCa;
    expect(result).toEqual({
      PhysicalResourceId: SECRET_ARN,
      Data: { CertificatePem: stored.certificatePem },
    });
    expect(logged).toEqual([expect.stringMatching(/^generated a new fleet CA/)]);
    expect(new X509Certificate(stored.certificatePem).subject).toBe('CN=prod fleet CA');
    const response = JSON.stringify(result);
    expect(response).not.toContain('PRIVATE KEY');
    // CloudFormation's limit for the whole response, of which Data is most.
    expect(Buffer.byteLength(response)).toBeLessThanOrEqual(3_500);
  });

  it('reuses the CA a retained secret holds on Create', async () => {
    stores.set(SECRET_ARN, new InMemoryFleetCaStore(serializeFleetCa(existing)));

    const result = await request({
      RequestType: 'Create',
      ResourceProperties: { SecretArn: SECRET_ARN },
    });

    expect(result).toEqual({
      PhysicalResourceId: SECRET_ARN,
      Data: { CertificatePem: existing.certificatePem },
    });
    expect(logged).toEqual([`reused the fleet CA already in secret ${SECRET_ARN}`]);
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });

  it('returns the stored certificate unchanged on Update, whatever CommonName says', async () => {
    stores.set(SECRET_ARN, new InMemoryFleetCaStore(serializeFleetCa(existing)));

    const result = await request({
      RequestType: 'Update',
      PhysicalResourceId: SECRET_ARN,
      ResourceProperties: { SecretArn: SECRET_ARN, CommonName: 'renamed CA' },
      OldResourceProperties: { SecretArn: SECRET_ARN },
    });

    expect(result).toEqual({
      PhysicalResourceId: SECRET_ARN,
      Data: { CertificatePem: existing.certificatePem },
    });
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });

  it('fails an Update whose secret no longer holds a CA, rather than replacing the CA silently', async () => {
    await expect(
      request({
        RequestType: 'Update',
        PhysicalResourceId: SECRET_ARN,
        ResourceProperties: { SecretArn: SECRET_ARN },
        OldResourceProperties: { SecretArn: SECRET_ARN },
      }),
    ).rejects.toThrow(
      `secret ${SECRET_ARN} holds no usable fleet CA (the secret value is not JSON (a placeholder))`,
    );
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });

  it('provides a CA in the new secret when an Update names another one, under a new physical id', async () => {
    stores.set(OTHER_SECRET_ARN, new InMemoryFleetCaStore(PLACEHOLDER));

    const result = await request({
      RequestType: 'Update',
      PhysicalResourceId: SECRET_ARN,
      ResourceProperties: { SecretArn: OTHER_SECRET_ARN },
      OldResourceProperties: { SecretArn: SECRET_ARN },
    });

    expect(result.PhysicalResourceId).toBe(OTHER_SECRET_ARN);
    expect(stores.get(OTHER_SECRET_ARN)?.writes).toHaveLength(1);
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });

  it('leaves the secret alone on Delete, whatever the properties say', async () => {
    stores.set(SECRET_ARN, new InMemoryFleetCaStore(serializeFleetCa(existing)));

    const result = await request({
      RequestType: 'Delete',
      PhysicalResourceId: SECRET_ARN,
      ResourceProperties: { SecretArn: 'not an ARN', Unknown: true },
    });

    expect(result).toEqual({ PhysicalResourceId: SECRET_ARN });
    expect(stores.get(SECRET_ARN)?.value).toBe(serializeFleetCa(existing));
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });

  it.each([
    [{ SecretArn: 'my-secret' }, /SecretArn: must be a Secrets Manager ARN/],
    [{ SecretArn: SECRET_ARN, ValidityDays: '7' }, /ValidityDays: /],
    [{ SecretArn: SECRET_ARN, KeyType: 'ec' }, /KeyType/],
  ])('fails a Create with invalid properties %j, writing nothing', async (properties, reason) => {
    const create = request({ RequestType: 'Create', ResourceProperties: properties });

    await expect(create).rejects.toThrow(/^invalid ResourceProperties: /);
    await expect(create).rejects.toThrow(reason);
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });
});
