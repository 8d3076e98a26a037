import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import forge from 'node-forge';
import { DER_TAG, type DerElement, derChildren, readWholeDerElement } from './der-element.js';

/** What a certificate request proves: its sender holds the private key of this public key. */
export interface CertificateRequest {
  /** The requester's public key as DER SubjectPublicKeyInfo, copied into the certificate as is. */
  readonly subjectPublicKeyInfo: Buffer;
  readonly publicKey: KeyObject;
  /** `EC P-256` or `RSA 3072`, for logs and answers. */
  readonly keyDescription: string;
}

export type CertificateRequestReading =
  | { readonly ok: true; readonly request: CertificateRequest }
  | {
      readonly ok: false;
      readonly code: 'invalid_csr' | 'unsupported_key';
      readonly reason: string;
    };

/** A P-256 or RSA 4096 CSR is 0.5–2 KB of PEM; anything far larger is refused unread. */
export const MAX_CSR_PEM_BYTES = 16 * 1024;
export const MIN_RSA_MODULUS_BITS = 2048;

// Signature algorithms of PKCS#10 requests openssl and the SDKs make; SHA-1 and RSA-PSS are not taken.
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { hash: string; keyType: 'ec' | 'rsa' }>> = {
  '1.2.840.10045.4.3.2': { hash: 'sha256', keyType: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', keyType: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', keyType: 'ec' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', keyType: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', keyType: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', keyType: 'rsa' },
};

/**
 * Reads a PEM PKCS#10 certificate request and checks that it is signed by its
 * own key (proof that the sender holds that key) and that the key is EC P-256
 * or RSA of at least 2048 bits. Only the key is taken from it: the subject and
 * any requested extensions (subjectAltName included) are ignored, because what
 * a certificate names comes from the caller's verified identity, never from
 * the request. Never throws; reasons never quote the input.
 *
 * @example const reading = readCertificateRequest(csrPem); if (reading.ok) console.log(reading.request.keyDescription); // 'EC P-256'
 */
export function readCertificateRequest(pem: string): CertificateRequestReading {
  if (Buffer.byteLength(pem) > MAX_CSR_PEM_BYTES) {
    return invalid(`the CSR is over ${MAX_CSR_PEM_BYTES} bytes`);
  }
  let der: Buffer;
  try {
    const blocks = forge.pem.decode(pem);
    const [block] = blocks;
    if (blocks.length !== 1 || !block || !/^(NEW )?CERTIFICATE REQUEST$/.test(block.type)) {
      return invalid('csrPem must hold exactly one PEM "CERTIFICATE REQUEST" block');
    }
    der = Buffer.from(block.body, 'binary');
  } catch {
    return invalid('csrPem is not PEM');
  }

  let parts: { info: DerElement; spki: DerElement; algorithm: string; signature: Buffer };
  try {
    parts = splitRequest(der);
  } catch {
    return invalid('the CSR is not a DER PKCS#10 certification request');
  }

  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: parts.spki.encoded, format: 'der', type: 'spki' });
  } catch {
    return invalid("the CSR's public key cannot be read");
  }
  const key = describeKey(publicKey);
  if (!key.ok) return { ok: false, code: 'unsupported_key', reason: key.reason };

  const algorithm = SIGNATURE_ALGORITHMS[parts.algorithm];
  if (!algorithm) return invalid(`signature algorithm ${parts.algorithm} is not supported`);
  if (algorithm.keyType !== publicKey.asymmetricKeyType) {
    return invalid(`signature algorithm ${parts.algorithm} does not fit a ${key.description} key`);
  }
  let signed: boolean;
  try {
    signed = verify(algorithm.hash, parts.info.encoded, publicKey, parts.signature);
  } catch {
    signed = false;
  }
  if (!signed) return invalid("the CSR's signature does not verify with its own key");
  return {
    ok: true,
    request: {
      subjectPublicKeyInfo: Buffer.from(parts.spki.encoded),
      publicKey,
      keyDescription: key.description,
    },
  };
}

/**
 * CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING },
 * certificationRequestInfo ::= SEQUENCE { version 0, subject, subjectPKInfo, [0] attributes } (RFC 2986).
 */
function splitRequest(der: Buffer) {
  const [info, algorithmIdentifier, signature, ...rest] = derChildren(
    readWholeDerElement(der, DER_TAG.sequence),
  );
  if (!info || !algorithmIdentifier || !signature || rest.length > 0) throw shape();
  const [version, subject, spki, attributes] = derChildren(info);
  if (
    info.tag !== DER_TAG.sequence ||
    version?.tag !== DER_TAG.integer ||
    version.content.toString('hex') !== '00' ||
    subject?.tag !== DER_TAG.sequence ||
    spki?.tag !== DER_TAG.sequence ||
    attributes?.tag !== DER_TAG.contextConstructed0
  ) {
    throw shape();
  }
  const [oid] =
    algorithmIdentifier.tag === DER_TAG.sequence ? derChildren(algorithmIdentifier) : [];
  // The first content byte of a BIT STRING counts unused bits: a signature has none.
  if (oid?.tag !== DER_TAG.objectIdentifier || signature.tag !== DER_TAG.bitString) throw shape();
  if (signature.content[0] !== 0) throw shape();
  return {
    info,
    spki,
    algorithm: forge.asn1.derToOid(oid.content.toString('binary')),
    signature: signature.content.subarray(1),
  };
}

function shape(): Error {
  return new Error('not a certification request');
}

function describeKey(
  key: KeyObject,
): { ok: true; description: string } | { ok: false; reason: string } {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      return details.namedCurve === 'prime256v1'
        ? { ok: true, description: 'EC P-256' }
        : { ok: false, reason: `EC keys must be on P-256, not ${details.namedCurve ?? 'unknown'}` };
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      return bits >= MIN_RSA_MODULUS_BITS
        ? { ok: true, description: `RSA ${bits}` }
        : {
            ok: false,
            reason: `RSA keys must have at least ${MIN_RSA_MODULUS_BITS} bits, not ${bits}`,
          };
    }
    default:
      return {
        ok: false,
        reason: `${key.asymmetricKeyType ?? 'unknown'} keys are not supported: use EC P-256 or RSA`,
      };
  }
}

function invalid(reason: string): CertificateRequestReading {
  return { ok: false, code: 'invalid_csr', reason };
}
