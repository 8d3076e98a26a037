import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { FleetCa } from './fleet-ca.js';

export interface FleetCaOptions {
  /** @default 'warren fleet CA' */
  readonly commonName?: string;
  /** @default 3650 */
  readonly validityDays?: number;
  readonly now: Date;
}

export const DEFAULT_FLEET_CA_COMMON_NAME = 'warren fleet CA';
export const DEFAULT_FLEET_CA_VALIDITY_DAYS = 3650;

const DAY_MS = 24 * 60 * 60 * 1000;
// Hosts whose clocks run a little behind must not see the CA as not yet valid.
const BACKDATE_MS = 60 * 60 * 1000;

/**
 * Generates the fleet CA: an RSA 3072 key and a self-signed X.509 v3 CA
 * certificate (SHA-256, CA:true with pathLen 0, keyCertSign and cRLSign) that
 * brokers sign their own TLS certificates with. RSA because node-forge, which
 * builds the certificate where no openssl binary exists (Lambda), signs only
 * with RSA; the key pair comes from node:crypto, much faster than forge's.
 *
 * @example const ca = generateFleetCa({ now: new Date() }); // { certificatePem, privateKeyPem }
 */
export function generateFleetCa(options: FleetCaOptions): FleetCa {
  const commonName = options.commonName ?? DEFAULT_FLEET_CA_COMMON_NAME;
  const validityDays = options.validityDays ?? DEFAULT_FLEET_CA_VALIDITY_DAYS;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  certificate.serialNumber = randomSerial();
  certificate.validity.notBefore = new Date(options.now.getTime() - BACKDATE_MS);
  certificate.validity.notAfter = new Date(options.now.getTime() + validityDays * DAY_MS);
  const name = [{ shortName: 'CN', value: commonName }];
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    // pathLen 0: the CA signs broker certificates only, never another CA.
    { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: true },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(certificate), privateKeyPem };
}

/** 128 random bits as a positive, minimally encoded DER integer (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  // High bit clear keeps it positive; the next bit set keeps the first byte non-zero.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
