/** The TLS a client gets from the broker: one handshake as amqplib makes it (tls.connect, the CA, no SNI for an IP). */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import type { TlsBroker } from '../support/tls-broker.js';

export interface TlsParameters {
  readonly protocol: string;
  readonly cipher: string;
  /** The key exchange's group, e.g. `X25519`. */
  readonly keyExchange: string;
  /** The broker certificate's key, e.g. `EC prime256v1` or `RSA 2048`. */
  readonly certificateKey: string;
  /** The key of the CA that signed it (the fleet CA is RSA 3072). */
  readonly caKey: string;
}

export function readTlsParameters(broker: TlsBroker): Promise<TlsParameters> {
  const url = new URL(broker.amqpsUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: [broker.caCertPem] });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const ephemeral = socket.getEphemeralKeyInfo();
      const peer = socket.getPeerX509Certificate();
      resolve({
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: socket.getCipher().standardName,
        keyExchange: ephemeral && 'name' in ephemeral ? (ephemeral.name ?? 'unknown') : 'unknown',
        certificateKey: peer ? describeKey(peer.publicKey) : 'unknown',
        caKey: describeKey(new X509Certificate(broker.caCertPem).publicKey),
      });
      socket.end();
    });
  });
}

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  return key.asymmetricKeyType === 'ec'
    ? `EC ${details?.namedCurve ?? '?'}`
    : `${(key.asymmetricKeyType ?? '?').toUpperCase()} ${details?.modulusLength ?? '?'}`;
}
