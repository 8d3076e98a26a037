import { X509Certificate } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCustomResourceHandler } from '../../src/custom-resource/create-custom-resource-handler.js';
import { createFleetCaResource } from '../../src/custom-resource/fleet-ca-resource.js';
import { type FleetCa, serializeFleetCa } from '../../src/tls/fleet-ca.js';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';
import { InMemoryFleetCaStore } from '../tls/in-memory-fleet-ca-store.js';
import {
  customResourceRequest,
  type ResponseServer,
  startResponseServer,
} from './response-server.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:WarrenFleetCa-AbCdEf';
const OTHER_SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:WarrenFleetCa-GhIjKl';
const PLACEHOLDER = 'u8#kQ2random-placeholder-from-cdk';

describe('fleet CA custom resource', () => {
  let server: ResponseServer;
  let stores: Map<string, InMemoryFleetCaStore>;
  let existing: FleetCa;

  const handler = () =>
    createCustomResourceHandler(
      createFleetCaResource({
        storeFor: (arn) => {
          const store = stores.get(arn);
          if (!store) throw new Error(`no secret ${arn}`);
          return store;
        },
        now: () => new Date(),
      }),
      { log: () => undefined, retryDelaysMs: [] },
    );
  const request = (
    body: Parameters<typeof customResourceRequest>[1],
  ): ReturnType<typeof customResourceRequest> =>
    customResourceRequest(server.url(), body, 'Custom::WarrenFleetCa');

  beforeAll(() => {
    existing = generateFleetCa({ now: new Date() });
  });
  beforeEach(async () => {
    server = await startResponseServer();
    stores = new Map([[SECRET_ARN, new InMemoryFleetCaStore(PLACEHOLDER)]]);
  });
  afterEach(async () => {
    await server.close();
  });

  it('generates the CA on Create, stores it in the secret and returns only the certificate', async () => {
    await handler()(
      request({
        RequestType: 'Create',
        ResourceProperties: {
          SecretArn: SECRET_ARN,
          CommonName: 'prod fleet CA',
          ValidityDays: '3650',
        },
      }),
    );

    const { body, rawBody } = server.only();
    const stored = JSON.parse(stores.get(SECRET_ARN)?.value ?? '{}') as FleetCa;
    expect(body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: SECRET_ARN,
      Data: { CertificatePem: stored.certificatePem },
    });
    expect(body.Reason).toMatch(/^generated a new fleet CA/);
    expect(new X509Certificate(stored.certificatePem).subject).toBe('CN=prod fleet CA');
    expect(rawBody).not.toContain('PRIVATE KEY');
    expect(Buffer.byteLength(rawBody)).toBeLessThanOrEqual(4096);
  });

  it('reuses the CA a retained secret holds on Create', async () => {
    stores.set(SECRET_ARN, new InMemoryFleetCaStore(serializeFleetCa(existing)));

    await handler()(
      request({ RequestType: 'Create', ResourceProperties: { SecretArn: SECRET_ARN } }),
    );

    expect(server.only().body).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'reused the fleet CA already in the secret',
      Data: { CertificatePem: existing.certificatePem },
    });
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });

  it('returns the stored certificate unchanged on Update, whatever CommonName says', async () => {
    stores.set(SECRET_ARN, new InMemoryFleetCaStore(serializeFleetCa(existing)));

    await handler()(
      request({
        RequestType: 'Update',
        PhysicalResourceId: SECRET_ARN,
        ResourceProperties: { SecretArn: SECRET_ARN, CommonName: 'renamed CA' },
        OldResourceProperties: { SecretArn: SECRET_ARN },
      }),
    );

    expect(server.only().body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: SECRET_ARN,
      Data: { CertificatePem: existing.certificatePem },
    });
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });

  it('fails an Update whose secret no longer holds a CA, rather than replacing the CA silently', async () => {
    await handler()(
      request({
        RequestType: 'Update',
        PhysicalResourceId: SECRET_ARN,
        ResourceProperties: { SecretArn: SECRET_ARN },
        OldResourceProperties: { SecretArn: SECRET_ARN },
      }),
    );

    expect(server.only().body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: SECRET_ARN,
      Reason: `FleetCaMissingError: secret ${SECRET_ARN} holds no usable fleet CA (the secret value is not JSON (a placeholder))`,
    });
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });

  it('provides a CA in the new secret when an Update names another one, under a new physical id', async () => {
    stores.set(OTHER_SECRET_ARN, new InMemoryFleetCaStore(PLACEHOLDER));

    await handler()(
      request({
        RequestType: 'Update',
        PhysicalResourceId: SECRET_ARN,
        ResourceProperties: { SecretArn: OTHER_SECRET_ARN },
        OldResourceProperties: { SecretArn: SECRET_ARN },
      }),
    );

    expect(server.only().body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: OTHER_SECRET_ARN,
    });
    expect(stores.get(OTHER_SECRET_ARN)?.writes).toHaveLength(1);
  });

  it('leaves the secret alone on Delete', async () => {
    stores.set(SECRET_ARN, new InMemoryFleetCaStore(serializeFleetCa(existing)));

    await handler()(
      request({
        RequestType: 'Delete',
        PhysicalResourceId: SECRET_ARN,
        ResourceProperties: { SecretArn: SECRET_ARN },
      }),
    );

    expect(server.only().body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: SECRET_ARN });
    expect(stores.get(SECRET_ARN)?.value).toBe(serializeFleetCa(existing));
  });

  it.each([
    [{ SecretArn: 'my-secret' }, /SecretArn: must be a Secrets Manager ARN/],
    [{ SecretArn: SECRET_ARN, ValidityDays: '7' }, /ValidityDays: /],
    [{ SecretArn: SECRET_ARN, KeyType: 'ec' }, /KeyType/],
  ])('fails a Create with invalid properties %j', async (properties, reason) => {
    await handler()(request({ RequestType: 'Create', ResourceProperties: properties }));

    expect(server.only().body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(reason),
    });
    expect(stores.get(SECRET_ARN)?.writes).toEqual([]);
  });
});
