import { X509Certificate } from 'node:crypto';

/** PEM text that is not a usable CA certificate; the message names where it came from, never the text. */
export class CaCertificateError extends Error {
  /** Where the PEM came from: an environment variable or a file path. */
  readonly source: string;
  constructor(source: string, message: string, options?: ErrorOptions) {
    super(`${source}: ${message}`, options);
    this.name = 'CaCertificateError';
    this.source = source;
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * Validates the CA certificate clients trust for brokers' TLS (amqps:// and the
 * management API over https://): one or more PEM certificates, each a CA
 * (basicConstraints CA:TRUE). Several let a new CA be trusted before brokers
 * move to it. Returns the certificates as one PEM bundle, for `tls.connect`'s
 * `ca` (which then replaces Node's public roots: only this CA is trusted).
 * Refuses a private key outright, so a key pasted by mistake goes no further.
 *
 * @example const caCertPem = parseCaCertificate(readFileSync('fleet-ca.pem', 'utf8'), 'fleet-ca.pem');
 */
export function parseCaCertificate(pem: string, source: string): string {
  // Say "a private key" rather than "not a certificate": the fix is different.
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new CaCertificateError(source, 'holds a private key; give only the CA certificate');
  }
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new CaCertificateError(source, 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  for (const [index, block] of blocks.entries()) {
    const which = blocks.length === 1 ? 'the certificate' : `certificate ${index + 1}`;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch (error) {
      throw new CaCertificateError(source, `${which} cannot be parsed`, { cause: error });
    }
    if (!certificate.ca) {
      throw new CaCertificateError(
        source,
        `${which} is not a CA certificate (a broker's own certificate?); give the CA that issues them`,
      );
    }
  }
  return `${blocks.join('\n')}\n`;
}

// OpenSSL's verify results as Node reports them in `error.code`, plus Node's own
// check of the host against the certificate's names.
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * What is wrong with a peer's TLS certificate, when `error` is a certificate
 * verification failure (from `tls.connect` or `https.request`); else undefined.
 *
 * @example describeCertificateProblem(error) // 'self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)'
 */
export function describeCertificateProblem(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !CERTIFICATE_CODES.has(code)) return undefined;
  return `${typeof message === 'string' ? message : 'certificate verification failed'} (${code})`;
}
