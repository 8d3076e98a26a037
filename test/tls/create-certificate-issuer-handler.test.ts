import { X509Certificate } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCertificateIssuerHandler,
  type FunctionUrlResult,
} from '../../src/tls/create-certificate-issuer-handler.js';
import { type FleetCa, serializeFleetCa } from '../../src/tls/fleet-ca.js';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';
import { InMemoryFleetCaStore } from './in-memory-fleet-ca-store.js';
import {
  BROKER_INSTANCE,
  INSTANCE_ID,
  InMemoryInstanceDirectory,
  instanceSessionArn,
  issuerEvent,
} from './issuer-fixtures.js';
import { KEYS, opensslCsr } from './openssl-csr.js';

let ca: FleetCa;
let csrPem: string;
let instances: InMemoryInstanceDirectory;
let caStore: InMemoryFleetCaStore;
let logged: Record<string, unknown>[];

beforeAll(() => {
  ca = generateFleetCa({ now: new Date() });
  // What the broker's script sends: a P-256 key of its own, and names the issuer ignores.
  csrPem = opensslCsr(KEYS.p256, {
    subject: '/CN=b2.internal',
    addext: ['subjectAltName=IP:10.0.2.99,DNS:b2.internal'],
  }).csrPem;
});

beforeEach(() => {
  instances = new InMemoryInstanceDirectory(new Map([[INSTANCE_ID, BROKER_INSTANCE]]));
  caStore = new InMemoryFleetCaStore(serializeFleetCa(ca));
  logged = [];
});

const handler = () =>
  createCertificateIssuerHandler({
    caStore,
    instances,
    now: () => new Date(),
    log: (entry) => logged.push({ ...entry }),
  });

const post = (body: unknown, userArn?: string) =>
  handler()(issuerEvent(typeof body === 'string' ? body : JSON.stringify(body), userArn));

function errorOf(result: FunctionUrlResult): { code: string; message: string } {
  expect(result.headers['content-type']).toBe('application/json');
  return JSON.parse(result.body).error;
}

describe('the certificate issuer handler', () => {
  it('answers a broker instance with a certificate for its EC2 private IP and DNS name and the CA', async () => {
    const result = await post({ csrPem });

    expect(result.statusCode).toBe(200);
    const body = JSON.parse(result.body);
    const certificate = new X509Certificate(body.certificatePem);
    expect(body.caCertificatePem).toBe(ca.certificatePem.replaceAll('\r\n', '\n'));
    expect(body.certificatePem).not.toContain('\r');
    expect(certificate.verify(new X509Certificate(ca.certificatePem).publicKey)).toBe(true);
    expect(certificate.subjectAltName).toBe(
      'IP Address:10.0.1.23, DNS:ip-10-0-1-23.eu-west-1.compute.internal',
    );
    expect(body.subjectAltNames).toEqual([
      'IP:10.0.1.23',
      'DNS:ip-10-0-1-23.eu-west-1.compute.internal',
    ]);
    expect(body.notAfter).toBe(new Date(certificate.validTo).toISOString());
    expect(instances.lookups).toEqual([INSTANCE_ID]);
    expect(logged).toContainEqual(
      expect.objectContaining({ message: 'issued a broker certificate', nodeId: 'b1' }),
    );
  });

  it('reads a base64-encoded body, as a function URL passes one of a binary content type', async () => {
    const event = issuerEvent(Buffer.from(JSON.stringify({ csrPem })).toString('base64'));

    const result = await handler()({ ...event, isBase64Encoded: true });

    expect(result.statusCode).toBe(200);
  });

  it.each([
    ['an IAM user', 'arn:aws:iam::123456789012:user/alice'],
    [
      'a role session not named after an instance',
      'arn:aws:sts::123456789012:assumed-role/admin/alice',
    ],
  ])('refuses %s as not an instance, without asking EC2', async (_case, userArn) => {
    const result = await post({ csrPem }, userArn);

    expect(result.statusCode).toBe(403);
    expect(errorOf(result).code).toBe('not_an_instance');
    expect(instances.lookups).toEqual([]);
  });

  it.each([
    [
      'an instance EC2 does not know',
      instanceSessionArn('i-0fedcba9876543210'),
      'unknown_instance',
    ],
    [
      'a session named after the broker but on another role',
      instanceSessionArn(INSTANCE_ID, 'admin'),
      'role_mismatch',
    ],
  ])('refuses %s', async (_case, userArn, code) => {
    const result = await post({ csrPem }, userArn);

    expect(result.statusCode).toBe(403);
    expect(errorOf(result).code).toBe(code);
  });

  it('refuses an instance that is not a running broker', async () => {
    instances.instances.set(INSTANCE_ID, { ...BROKER_INSTANCE, tags: {} });
    expect(errorOf(await post({ csrPem })).code).toBe('not_a_broker');
    instances.instances.set(INSTANCE_ID, { ...BROKER_INSTANCE, state: 'stopping' });
    expect(errorOf(await post({ csrPem })).code).toBe('instance_not_running');
  });

  it.each([
    ['a body that is not JSON', 'csrPem=x', 400, 'invalid_request'],
    ['JSON without csrPem', { csr: 'x' }, 400, 'invalid_request'],
    ['csrPem that is not a CSR', { csrPem: 'hello' }, 400, 'invalid_csr'],
    [
      'a key the fleet does not use',
      { csrPem: opensslCsr(KEYS.rsa1024).csrPem },
      400,
      'unsupported_key',
    ],
    ['an oversized body', { csrPem: 'A'.repeat(40_000) }, 413, 'request_too_large'],
  ])('refuses %s with a JSON error', async (_case, body, status, code) => {
    const result = await post(body);

    expect(result.statusCode).toBe(status);
    expect(errorOf(result)).toEqual({ code, message: expect.any(String) });
  });

  it('refuses anything but POST', async () => {
    const result = await handler()(issuerEvent(null, instanceSessionArn(), 'GET'));

    expect(result.statusCode).toBe(405);
    expect(errorOf(result).code).toBe('method_not_allowed');
  });

  it('answers 503 without the cause when EC2 or the CA secret cannot be read, and never a stack or the key', async () => {
    instances.failure = new Error('ThrottlingException: Rate exceeded');
    const ec2Down = await post({ csrPem });
    instances.failure = undefined;
    caStore.read = async () => {
      throw new Error('AccessDeniedException');
    };
    const secretDown = await post({ csrPem });

    expect([ec2Down.statusCode, secretDown.statusCode]).toEqual([503, 503]);
    expect([errorOf(ec2Down).code, errorOf(secretDown).code]).toEqual([
      'instance_lookup_failed',
      'ca_unavailable',
    ]);
    for (const result of [ec2Down, secretDown]) {
      expect(result.body).not.toMatch(/Throttling|AccessDenied|\n\s+at /);
    }
    expect(logged).toContainEqual(expect.objectContaining({ level: 'ERROR' }));
  });

  it('answers 503 when the secret holds no usable CA (the placeholder), naming why but not the value', async () => {
    caStore.value = 'placeholder-value';

    const result = await post({ csrPem });

    expect(result.statusCode).toBe(503);
    expect(errorOf(result)).toEqual({
      code: 'ca_unavailable',
      message: 'no usable fleet CA: the secret value is not JSON (a placeholder)',
    });
  });

  it('answers a malformed event with 400 and an unexpected failure with a bare 500', async () => {
    expect((await handler()({ not: 'an event' })).statusCode).toBe(400);
    // Past every check, a failure nobody foresaw (here: EC2's answer throws when read).
    const broken = createCertificateIssuerHandler({
      caStore: new InMemoryFleetCaStore(serializeFleetCa(ca)),
      instances: {
        describe: async () =>
          new Proxy(BROKER_INSTANCE, {
            get: (target, property) => {
              if (property === 'privateDnsName') throw new TypeError('boom');
              return Reflect.get(target, property);
            },
          }),
      },
      now: () => new Date(),
      log: () => undefined,
    });

    const result = await broken(issuerEvent(JSON.stringify({ csrPem })));

    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'internal_error', message: 'the issuer failed' },
    });
  });
});
