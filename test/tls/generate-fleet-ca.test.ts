import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetCa } from '../../src/tls/fleet-ca.js';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';

const NOW = new Date();
const DAY_MS = 24 * 60 * 60 * 1000;

function openssl(cwd: string, ...args: string[]): string {
  return execFileSync('openssl', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A leaf signed by openssl with the CA: the CA works for any X.509 tool, not only the issuer. */
function issueLeafWithOpenssl(dir: string, ca: FleetCa): X509Certificate {
  writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
  writeFileSync(join(dir, 'ca.key'), ca.privateKeyPem, { mode: 0o600 });
  openssl(
    dir,
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
    '-subj',
    '/CN=b1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:ip-10-0-1-5.eu-west-1.compute.internal',
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-days',
    '30',
    '-copy_extensions',
    'copy',
    '-out',
    'leaf.pem',
  );
  return new X509Certificate(readFileSync(join(dir, 'leaf.pem')));
}

describe('generateFleetCa', () => {
  let ca: FleetCa;
  let certificate: X509Certificate;
  // Another fleet's CA (RSA key generation takes a while: one for every test that needs it).
  let stranger: FleetCa;
  let dir: string;

  beforeAll(() => {
    ca = generateFleetCa({ now: NOW });
    certificate = new X509Certificate(ca.certificatePem);
    stranger = generateFleetCa({ now: NOW, commonName: 'staging CA', validityDays: 30 });
    dir = mkdtempSync(join(tmpdir(), 'warren-fleet-ca-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a self-signed CA certificate with an RSA 3072 key, valid from slightly before now for 3650 days', () => {
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toBe('CN=warren fleet CA');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyType).toBe('rsa');
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    const notBefore = new Date(certificate.validFrom).getTime();
    expect(notBefore).toBeLessThan(NOW.getTime() - 5 * 60_000);
    expect(notBefore).toBeGreaterThan(NOW.getTime() - 2 * 60 * 60_000);
    const notAfter = new Date(certificate.validTo).getTime();
    expect(Math.abs(notAfter - (NOW.getTime() + 3650 * DAY_MS))).toBeLessThan(1_000);
  });

  it('pairs the certificate with its PKCS#8 private key', () => {
    expect(ca.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(certificate.checkPrivateKey(createPrivateKey(ca.privateKeyPem))).toBe(true);
  });

  it('sets the CA extensions critical (CA:TRUE, pathlen 0, keyCertSign + cRLSign), a key id and SHA-256', () => {
    writeFileSync(join(dir, 'inspect.pem'), ca.certificatePem);
    const text = openssl(dir, 'x509', '-in', 'inspect.pem', '-noout', '-text');

    expect(text).toMatch(/Version: 3 \(0x2\)/);
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    expect(text).toMatch(/X509v3 Subject Key Identifier:/);
  });

  it('gives each CA a different positive serial number', () => {
    const other = new X509Certificate(
      generateFleetCa({ now: NOW, validityDays: 30 }).certificatePem,
    );

    expect(certificate.serialNumber).not.toBe(other.serialNumber);
    for (const serial of [certificate.serialNumber, other.serialNumber])
      expect(Number.parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
  });

  it('takes the common name and validity it is given', () => {
    const custom = new X509Certificate(stranger.certificatePem);

    expect(custom.subject).toBe('CN=staging CA');
    expect(new Date(custom.validTo).getTime()).toBeCloseTo(NOW.getTime() + 30 * DAY_MS, -4);
  });

  it('signs a broker certificate issued with openssl that both openssl and node:crypto verify', () => {
    const leaf = issueLeafWithOpenssl(dir, ca);

    expect(
      openssl(
        dir,
        'verify',
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-CAfile',
        'ca.pem',
        'leaf.pem',
      ).trim(),
    ).toBe('leaf.pem: OK');
    expect(leaf.verify(certificate.publicKey)).toBe(true);
    expect(leaf.checkIssued(certificate)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.publicKey.asymmetricKeyType).toBe('ec');
  });

  it('does not vouch for a broker certificate issued by another CA', () => {
    const strangerDir = mkdtempSync(join(tmpdir(), 'warren-fleet-ca-'));
    try {
      const leaf = issueLeafWithOpenssl(strangerDir, stranger);
      writeFileSync(join(strangerDir, 'ours.pem'), ca.certificatePem);

      expect(leaf.verify(certificate.publicKey)).toBe(false);
      expect(() => openssl(strangerDir, 'verify', '-CAfile', 'ours.pem', 'leaf.pem')).toThrow(
        /verification failed/,
      );
    } finally {
      rmSync(strangerDir, { recursive: true, force: true });
    }
  });
});
