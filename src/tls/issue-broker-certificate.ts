import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { BrokerCertificateSubject } from './broker-certificate-subject.js';
import type { FleetCa } from './fleet-ca.js';

export const BROKER_CERTIFICATE_VALIDITY_DAYS = 30;

export interface BrokerCertificateOptions {
  /** A CA `readFleetCa` accepted: RSA, valid now. */
  readonly ca: FleetCa;
  /** The broker's public key (DER SubjectPublicKeyInfo from its CSR), EC or RSA. */
  readonly subjectPublicKeyInfo: Buffer;
  readonly subject: BrokerCertificateSubject;
  readonly now: Date;
}

export interface IssuedBrokerCertificate {
  readonly certificatePem: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** In node-forge's x509.js, missing from @types/node-forge. */
type ForgePkiExtensions = typeof forge.pki & {
  certificateExtensionsToAsn1(extensions: unknown[]): forge.asn1.Asn1;
};

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const DAY_MS = 24 * 60 * 60 * 1000;
// Brokers whose clocks run a little behind must not see a fresh certificate as not yet valid.
const BACKDATE_MS = 5 * 60 * 1000;

/**
 * Issues a broker's TLS server certificate: X.509 v3 signed by the fleet CA
 * (SHA-256 with RSA), valid 30 days (never past the CA), CN = the private DNS
 * name, subjectAltName = exactly the private IP and DNS name, CA:FALSE,
 * keyUsage digitalSignature, extendedKeyUsage serverAuth. node-forge builds
 * and signs it because Lambda has no openssl; forge encodes only RSA public
 * keys, so the broker's key (EC P-256 as a rule) goes in as the DER the CSR
 * carried, and node:crypto checks the result chains to the CA before it leaves.
 *
 * @example const { certificatePem } = issueBrokerCertificate({ ca, subjectPublicKeyInfo, subject, now: new Date() });
 */
export function issueBrokerCertificate(options: BrokerCertificateOptions): IssuedBrokerCertificate {
  const { asn1, pki } = forge;
  const caCertificate = pki.certificateFromPem(options.ca.certificatePem);
  const spki = asn1.fromDer(options.subjectPublicKeyInfo.toString('binary'));
  if (asn1.toDer(spki).getBytes() !== options.subjectPublicKeyInfo.toString('binary')) {
    throw new Error('the public key is not DER: forge would not copy it byte for byte');
  }
  const serialNumber = randomSerial();
  // X.509 times have whole seconds: what is reported is exactly what the certificate says.
  const notBefore = wholeSeconds(options.now.getTime() - BACKDATE_MS);
  const notAfter = wholeSeconds(
    Math.min(
      options.now.getTime() + BROKER_CERTIFICATE_VALIDITY_DAYS * DAY_MS,
      caCertificate.validity.notAfter.getTime(),
    ),
  );

  // A forge certificate only to encode the subject and the extensions; the TBSCertificate is built below.
  const fields = pki.createCertificate();
  fields.setSubject([{ name: 'commonName', value: options.subject.dnsName }]);
  fields.setExtensions([
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: options.subject.ipAddress },
        { type: 2, value: options.subject.dnsName },
      ],
    },
    {
      name: 'subjectKeyIdentifier',
      value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, keyIdentifier(spki)),
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier(caCertificate) },
  ]);

  const sha256WithRsa = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.OID,
      false,
      asn1.oidToDer(SHA256_WITH_RSA).getBytes(),
    ),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
  // TBSCertificate (RFC 5280 §4.1): version, serial, signature, issuer, validity, subject, key, extensions.
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(2).getBytes()),
    ]),
    asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.INTEGER,
      false,
      forge.util.hexToBytes(serialNumber),
    ),
    sha256WithRsa,
    pki.distinguishedNameToAsn1(caCertificate.subject),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [time(notBefore), time(notAfter)]),
    pki.distinguishedNameToAsn1(fields.subject),
    spki,
    (pki as ForgePkiExtensions).certificateExtensionsToAsn1(fields.extensions),
  ]);

  const tbsDer = asn1.toDer(tbs).getBytes();
  const digest = forge.md.sha256.create();
  digest.update(tbsDer);
  const signature = pki.privateKeyFromPem(options.ca.privateKeyPem).sign(digest);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    sha256WithRsa,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${signature}`),
  ]);
  // forge ends PEM lines with CRLF; brokers' tools expect LF.
  const certificatePem = forge.pem
    .encode({ type: 'CERTIFICATE', body: asn1.toDer(certificate).getBytes() })
    .replaceAll('\r\n', '\n');

  const issued = new X509Certificate(certificatePem);
  const issuer = new X509Certificate(options.ca.certificatePem);
  if (!issued.checkIssued(issuer) || !issued.verify(issuer.publicKey)) {
    throw new Error('the issued certificate does not verify with the fleet CA');
  }
  return { certificatePem, serialNumber, notBefore, notAfter };
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: forge.asn1.Asn1): string {
  const bits = Array.isArray(spki.value) ? spki.value[1] : undefined;
  const raw = bits && 'bitStringContents' in bits ? bits.bitStringContents : bits?.value;
  if (typeof raw !== 'string') throw new Error('the public key has no key bits');
  // The first content byte of a BIT STRING counts unused bits; the identifier covers the bits only.
  return createHash('sha1')
    .update(Buffer.from(raw.slice(1), 'binary'))
    .digest('binary');
}

/** The CA's own subjectKeyIdentifier, which authorityKeyIdentifier must repeat. */
function caKeyIdentifier(ca: forge.pki.Certificate): string {
  const extension = ca.getExtension('subjectKeyIdentifier') as
    | { subjectKeyIdentifier?: string }
    | undefined;
  return extension?.subjectKeyIdentifier
    ? forge.util.hexToBytes(extension.subjectKeyIdentifier)
    : ca.generateSubjectKeyIdentifier().getBytes();
}

function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(date: Date): forge.asn1.Asn1 {
  const { asn1 } = forge;
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(
        asn1.Class.UNIVERSAL,
        asn1.Type.GENERALIZEDTIME,
        false,
        asn1.dateToGeneralizedTime(date),
      );
}

/** 128 random bits as a positive, minimally encoded DER integer (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}
