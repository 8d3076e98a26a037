import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as z from 'zod';

/** The fleet certificate authority as its secret holds it (JSON). */
export interface FleetCa {
  readonly certificatePem: string;
  /** PKCS#8 PEM. Lives only in the secret: never logged, never returned to CloudFormation. */
  readonly privateKeyPem: string;
}

export type FleetCaReading =
  | { readonly ok: true; readonly ca: FleetCa; readonly notAfter: Date }
  | { readonly ok: false; readonly reason: string };

const stored = z.object({
  certificatePem: z.string().includes('-----BEGIN CERTIFICATE-----'),
  privateKeyPem: z.string().includes('PRIVATE KEY-----'),
});

/**
 * Reads a secret value as a fleet CA: usable only if it is the CA JSON, the
 * certificate is a CA certificate valid at `now`, and the key is its key.
 * Reasons never quote the value.
 *
 * @example const reading = readFleetCa(secretString, new Date()); if (reading.ok) console.log(reading.ca.certificatePem);
 */
export function readFleetCa(secretString: string | undefined, now: Date): FleetCaReading {
  if (secretString === undefined) return { ok: false, reason: 'the secret has no string value' };
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    return { ok: false, reason: 'the secret value is not JSON (a placeholder)' };
  }
  const parsed = stored.safeParse(json);
  if (!parsed.success)
    return { ok: false, reason: 'the secret value is not {"certificatePem","privateKeyPem"}' };
  const ca = {
    certificatePem: parsed.data.certificatePem,
    privateKeyPem: parsed.data.privateKeyPem,
  };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(ca.certificatePem);
  } catch {
    return { ok: false, reason: 'certificatePem is not a certificate' };
  }
  if (!certificate.ca) return { ok: false, reason: 'the certificate is not a CA certificate' };
  const notAfter = new Date(certificate.validTo);
  if (notAfter <= now) return { ok: false, reason: `the CA expired on ${notAfter.toISOString()}` };
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(ca.privateKeyPem)))
      return { ok: false, reason: "privateKeyPem is not the certificate's key" };
  } catch {
    return { ok: false, reason: 'privateKeyPem is not a private key' };
  }
  return { ok: true, ca, notAfter };
}

/** The secret value for a CA. */
export function serializeFleetCa(ca: FleetCa): string {
  return JSON.stringify({ certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem });
}
