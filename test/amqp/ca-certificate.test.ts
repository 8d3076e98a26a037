import { describe, expect, it } from 'vitest';
import {
  CaCertificateError,
  describeCertificateProblem,
  parseCaCertificate,
} from '../../src/amqp/ca-certificate.js';
import { issueTestCa, issueTestServerCertificate } from './test-certificates.js';

const ca = issueTestCa();
const nextCa = issueTestCa('warren test CA 2');
const server = issueTestServerCertificate(ca);

function problemWith(pem: string): string {
  try {
    parseCaCertificate(pem, 'WARREN_AMQP_CA_CERT');
  } catch (error) {
    if (error instanceof CaCertificateError) return error.message;
    throw error;
  }
  throw new Error('expected a CaCertificateError');
}

describe('parseCaCertificate', () => {
  it('accepts a CA certificate and returns it as a PEM bundle', () => {
    const pem = parseCaCertificate(ca.certPem, 'WARREN_AMQP_CA_CERT');
    expect(pem.trim()).toBe(ca.certPem.trim());
  });

  it('accepts two CAs (one being rotated in), keeping both, and drops text around them', () => {
    const pem = parseCaCertificate(
      `current\n${ca.certPem}\nnext\n${nextCa.certPem}`,
      'WARREN_AMQP_CA_CERT',
    );
    expect(pem).toBe(`${ca.certPem.trim()}\n${nextCa.certPem.trim()}\n`);
  });

  it('accepts CRLF line ends, as a file edited on Windows has', () => {
    expect(() =>
      parseCaCertificate(ca.certPem.replaceAll('\n', '\r\n'), 'WARREN_AMQP_CA_CERT'),
    ).not.toThrow();
  });

  it.each([
    ['text that is no PEM', 'fleet-ca', /must be a PEM certificate/],
    [
      'a PEM block that is no certificate',
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
      /the certificate cannot be parsed/,
    ],
    ["a broker's own certificate", server.certPem, /is not a CA certificate/],
    [
      'a CA followed by a server certificate',
      ca.certPem + server.certPem,
      /certificate 2 is not a CA/,
    ],
    ['a private key with the certificate', ca.certPem + ca.keyPem, /holds a private key/],
  ])('refuses %s, naming the source and never quoting the text', (_case, pem, message) => {
    const problem = problemWith(pem);
    expect(problem).toMatch(/^WARREN_AMQP_CA_CERT: /);
    expect(problem).toMatch(message);
    const longestLine = pem.split(/\r?\n/).reduce((a, b) => (b.length > a.length ? b : a));
    expect(problem).not.toContain(longestLine);
  });
});

describe('describeCertificateProblem', () => {
  it.each([
    [
      Object.assign(new Error('self-signed certificate in certificate chain'), {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      }),
      'self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)',
    ],
    [
      Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }),
      'certificate has expired (CERT_HAS_EXPIRED)',
    ],
    [
      Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      }),
      "Hostname/IP does not match certificate's altnames (ERR_TLS_CERT_ALTNAME_INVALID)",
    ],
  ])('describes a certificate verification failure: %s', (error, description) => {
    expect(describeCertificateProblem(error)).toBe(description);
  });

  it.each([
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    [Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' })],
    [new Error('Handshake terminated by server: 403 (ACCESS-REFUSED)')],
    ['not an error'],
    [undefined],
  ])('leaves other failures alone: %s', (error) => {
    expect(describeCertificateProblem(error)).toBeUndefined();
  });
});
