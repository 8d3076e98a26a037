import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';

export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY_MS = 86_400_000;

function keyPair(): {
  publicKey: forge.pki.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  keyPem: string;
} {
  // Node's own key generation: node-forge's pure-JavaScript RSA is far slower.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return {
    privateKey: forgeKey,
    publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e),
    keyPem,
  };
}

function certificate(
  subject: string,
  publicKey: forge.pki.PublicKey,
  validDays: { from: number; to: number },
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() + validDays.from * DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + validDays.to * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  return cert;
}

/** A throwaway CA made exactly as the fleet CA is (RSA 3072, CA:TRUE), valid for two days. */
export function issueTestCa(name = 'warren test CA'): IssuedCertificate {
  const ca = generateFleetCa({ commonName: name, validityDays: 2, now: new Date() });
  return { certPem: ca.certificatePem, keyPem: ca.privateKeyPem };
}

/** A server certificate (CA:FALSE) issued by `ca` for `ips`; `validDays` shifts its validity. */
export function issueTestServerCertificate(
  ca: IssuedCertificate,
  ips: readonly string[] = ['127.0.0.1'],
  validDays = { from: -1, to: 2 },
): IssuedCertificate {
  const keys = keyPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = certificate('warren test broker', keys.publicKey, validDays);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: ips.map((ip) => ({ type: 7, ip })) },
  ]);
  cert.sign(
    forge.pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create(),
  );
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}
