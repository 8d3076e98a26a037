import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BrokerCertificateSubject } from '../../src/tls/broker-certificate-subject.js';
import { readCertificateRequest } from '../../src/tls/certificate-request.js';
import type { FleetCa } from '../../src/tls/fleet-ca.js';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';
import {
  BROKER_CERTIFICATE_VALIDITY_DAYS,
  issueBrokerCertificate,
} from '../../src/tls/issue-broker-certificate.js';
import { KEYS, opensslCsr } from './openssl-csr.js';

const NOW = new Date();
const DAY_MS = 24 * 60 * 60 * 1000;
const subject: BrokerCertificateSubject = {
  nodeId: 'b1',
  ipAddress: '10.0.1.23',
  dnsName: 'ip-10-0-1-23.eu-west-1.compute.internal',
};

/** The public key of a CSR the real openssl made, asking for names of its own choosing. */
function requestedKey(newkey: readonly string[]) {
  const csr = opensslCsr(newkey, {
    subject: '/CN=evil.example',
    addext: ['subjectAltName=DNS:evil.example,IP:10.9.9.9', 'basicConstraints=critical,CA:TRUE'],
  });
  const reading = readCertificateRequest(csr.csrPem);
  if (!reading.ok) throw new Error(reading.reason);
  return { ...csr, subjectPublicKeyInfo: reading.request.subjectPublicKeyInfo };
}

/** openssl's own reading of the extensions, which node:crypto does not all expose. */
function extensionsText(certificatePem: string): string {
  return execFileSync(
    'openssl',
    ['x509', '-noout', '-ext', 'basicConstraints,keyUsage,extendedKeyUsage'],
    {
      input: certificatePem,
      encoding: 'utf8',
    },
  );
}

describe('issueBrokerCertificate', () => {
  let ca: FleetCa;
  let caCertificate: X509Certificate;
  beforeAll(() => {
    ca = generateFleetCa({ now: NOW });
    caCertificate = new X509Certificate(ca.certificatePem);
  });

  it('names the instance, not what the CSR asked for: CN and subjectAltName are its private DNS name and IP', () => {
    const { subjectPublicKeyInfo } = requestedKey(KEYS.p256);

    const issued = new X509Certificate(
      issueBrokerCertificate({ ca, subjectPublicKeyInfo, subject, now: NOW }).certificatePem,
    );

    expect(issued.subject).toBe(`CN=${subject.dnsName}`);
    expect(issued.subjectAltName).toBe(`IP Address:10.0.1.23, DNS:${subject.dnsName}`);
    expect(issued.subjectAltName).not.toContain('evil');
  });

  it("chains to the fleet CA and certifies the CSR's own key", () => {
    const { subjectPublicKeyInfo, keyPem } = requestedKey(KEYS.p256);

    const issued = new X509Certificate(
      issueBrokerCertificate({ ca, subjectPublicKeyInfo, subject, now: NOW }).certificatePem,
    );

    expect(issued.checkIssued(caCertificate)).toBe(true);
    expect(issued.verify(caCertificate.publicKey)).toBe(true);
    expect(issued.issuer).toBe(caCertificate.subject);
    expect(issued.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(issued.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('is a 30-day server certificate that can sign no other: CA:FALSE, digitalSignature, serverAuth', () => {
    const { subjectPublicKeyInfo } = requestedKey(KEYS.p256);

    const result = issueBrokerCertificate({ ca, subjectPublicKeyInfo, subject, now: NOW });
    const issued = new X509Certificate(result.certificatePem);

    expect(issued.ca).toBe(false);
    expect(issued.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const text = extensionsText(result.certificatePem);
    expect(text).toMatch(/Basic Constraints: critical\n\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\n\s+Digital Signature\n/);
    expect(text).toMatch(/Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
    expect(Date.parse(issued.validFrom)).toBeLessThanOrEqual(NOW.getTime());
    const lifetimeDays = (Date.parse(issued.validTo) - NOW.getTime()) / DAY_MS;
    expect(Math.round(lifetimeDays)).toBe(BROKER_CERTIFICATE_VALIDITY_DAYS);
    expect(result.notAfter.getTime()).toBe(Date.parse(issued.validTo));
  });

  it('issues for an RSA key too, with a fresh serial number every time', () => {
    const { subjectPublicKeyInfo } = requestedKey(KEYS.rsa2048);

    const first = issueBrokerCertificate({ ca, subjectPublicKeyInfo, subject, now: NOW });
    const second = issueBrokerCertificate({ ca, subjectPublicKeyInfo, subject, now: NOW });

    expect(new X509Certificate(first.certificatePem).publicKey.asymmetricKeyType).toBe('rsa');
    expect(first.serialNumber).not.toBe(second.serialNumber);
  });

  it('never outlives the CA that signs it', () => {
    const shortCa = generateFleetCa({ now: NOW, validityDays: 10 });
    const { subjectPublicKeyInfo } = requestedKey(KEYS.p256);

    const issued = issueBrokerCertificate({ ca: shortCa, subjectPublicKeyInfo, subject, now: NOW });

    expect(issued.notAfter.getTime()).toBe(
      Date.parse(new X509Certificate(shortCa.certificatePem).validTo),
    );
  });
});
