import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FleetCa, readFleetCa, serializeFleetCa } from '../../src/tls/fleet-ca.js';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';
import { provideFleetCa } from '../../src/tls/provide-fleet-ca.js';
import { InMemoryFleetCaStore } from './in-memory-fleet-ca-store.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
// What a CDK-created secret holds before the custom resource writes the CA.
const PLACEHOLDER = 'qZ3^xJ8!pL0-random-generated-placeholder';

let ca: FleetCa;
let other: FleetCa;
let notCa: FleetCa;

beforeAll(() => {
  ca = generateFleetCa({ now: NOW });
  other = generateFleetCa({ now: new Date(NOW.getTime() - 60 * DAY_MS), validityDays: 30 });
  notCa = selfSignedLeaf();
});

/** A self-signed certificate that is not a CA, made with openssl. */
function selfSignedLeaf(): FleetCa {
  const dir = mkdtempSync(join(tmpdir(), 'warren-leaf-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '30',
        '-subj',
        '/CN=leaf',
        '-addext',
        'basicConstraints=critical,CA:FALSE',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    return {
      certificatePem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      privateKeyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('readFleetCa', () => {
  it('accepts the CA JSON of a CA certificate and its key', () => {
    const reading = readFleetCa(serializeFleetCa(ca), NOW);

    expect(reading).toEqual({ ok: true, ca, notAfter: expect.any(Date) });
  });

  it.each([
    ['no value', () => undefined, /no string value/],
    ['the placeholder', () => PLACEHOLDER, /not JSON/],
    [
      'other JSON',
      () => JSON.stringify({ username: 'warren', password: 'pw' }),
      /not \{"certificatePem","privateKeyPem"\}/,
    ],
    [
      'a broken certificate',
      () =>
        serializeFleetCa({
          ...ca,
          certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        }),
      /not a certificate/,
    ],
    ['a certificate that is not a CA', () => serializeFleetCa(notCa), /not a CA certificate/],
    [
      "another CA's key",
      () => serializeFleetCa({ ...ca, privateKeyPem: other.privateKeyPem }),
      /not the certificate's key/,
    ],
    [
      'a broken key',
      () =>
        serializeFleetCa({
          ...ca,
          privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
        }),
      /not a private key/,
    ],
    ['an expired CA', () => serializeFleetCa(other), /expired on/],
  ])('refuses %s, saying why without quoting it', (_case, value, reason) => {
    const reading = readFleetCa(value(), NOW);

    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.reason).toMatch(reason);
    expect(reading.reason).not.toMatch(/PRIVATE KEY|password|pw"/);
  });
});

describe('provideFleetCa', () => {
  it('generates a CA and writes it over the placeholder the secret starts with', async () => {
    const store = new InMemoryFleetCaStore(PLACEHOLDER);

    const provided = await provideFleetCa(store, { now: NOW, commonName: 'warren fleet CA' });

    expect(provided).toMatchObject({
      outcome: 'generated',
      replaced: expect.stringMatching(/not JSON/),
    });
    expect(store.writes).toEqual([serializeFleetCa(provided.ca)]);
    expect(new X509Certificate(provided.ca.certificatePem).ca).toBe(true);
  });

  it('reuses the CA a retained secret already holds, writing nothing', async () => {
    const store = new InMemoryFleetCaStore(serializeFleetCa(ca));

    const provided = await provideFleetCa(store, { now: NOW });

    expect(provided).toEqual({ outcome: 'reused', ca });
    expect(store.writes).toEqual([]);
  });

  it('gives the same CA on a second call: it generates once', async () => {
    const store = new InMemoryFleetCaStore(PLACEHOLDER);

    const first = await provideFleetCa(store, { now: NOW });
    const second = await provideFleetCa(store, { now: NOW });

    expect(second).toEqual({ outcome: 'reused', ca: first.ca });
    expect(store.writes).toHaveLength(1);
  });
});
