import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_CSR_PEM_BYTES, readCertificateRequest } from '../../src/tls/certificate-request.js';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';
import { KEYS, opensslCsr } from './openssl-csr.js';

/** `pem` with one base64 character of its body changed, so the DER stays well formed. */
function flipSignatureBit(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  // The signature is the last bytes of the request: change the final one.
  der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${body}-----END CERTIFICATE REQUEST-----\n`;
}

describe('readCertificateRequest', () => {
  it.each([
    ['EC P-256', KEYS.p256],
    ['RSA 2048', KEYS.rsa2048],
  ])(
    'takes an openssl %s request and its public key, as the key the request proves',
    (description, newkey) => {
      const { csrPem, keyPem } = opensslCsr(newkey);

      const reading = readCertificateRequest(csrPem);

      expect(reading.ok && reading.request.keyDescription).toBe(description);
      const expected = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
      expect(reading.ok && reading.request.subjectPublicKeyInfo.equals(expected)).toBe(true);
    },
  );

  it.each([
    ['an EC key on P-384', KEYS.p384, 'EC keys must be on P-256, not secp384r1'],
    ['an RSA key of 1024 bits', KEYS.rsa1024, 'at least 2048 bits, not 1024'],
    ['an Ed25519 key', KEYS.ed25519, 'ed25519 keys are not supported'],
  ])('refuses %s as an unsupported key', (_case, newkey, reason) => {
    expect(readCertificateRequest(opensslCsr(newkey).csrPem)).toEqual({
      ok: false,
      code: 'unsupported_key',
      reason: expect.stringContaining(reason),
    });
  });

  it('refuses a request whose signature does not verify with its own key', () => {
    const { csrPem } = opensslCsr(KEYS.p256);

    expect(readCertificateRequest(flipSignatureBit(csrPem))).toEqual({
      ok: false,
      code: 'invalid_csr',
      reason: "the CSR's signature does not verify with its own key",
    });
  });

  it('refuses a certificate, two requests, and text that is not PEM', () => {
    const certificatePem = generateFleetCa({ now: new Date() }).certificatePem;
    const { csrPem } = opensslCsr(KEYS.p256);
    for (const pem of [certificatePem, `${csrPem}${csrPem}`, 'csr', '']) {
      expect(readCertificateRequest(pem)).toMatchObject({ ok: false, code: 'invalid_csr' });
    }
  });

  it('refuses a PEM request block whose body is not a certification request', () => {
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from('0500', 'hex').toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;

    expect(readCertificateRequest(pem)).toEqual({
      ok: false,
      code: 'invalid_csr',
      reason: 'the CSR is not a DER PKCS#10 certification request',
    });
  });

  it('refuses a request over the size limit without reading it', () => {
    const { csrPem } = opensslCsr(KEYS.p256);
    const padded = `${csrPem}${' '.repeat(MAX_CSR_PEM_BYTES)}`;

    expect(readCertificateRequest(padded)).toEqual({
      ok: false,
      code: 'invalid_csr',
      reason: `the CSR is over ${MAX_CSR_PEM_BYTES} bytes`,
    });
  });
});
