import { type ChannelModel, connect } from 'amqplib';
import { redactAmqpUrl } from '../core/amqp-endpoint.js';
import { describeCertificateProblem } from './ca-certificate.js';

/**
 * Why a connect failed, decided once here from what amqplib and node:tls
 * report, so callers switch on it instead of matching messages:
 * `auth` — the broker refused the credentials (ACCESS_REFUSED during the
 * handshake); `timeout` — no complete handshake (or channel) in time, as from a
 * hung broker; `certificate` — TLS refused the broker's certificate;
 * `unreachable` — anything else (refused, reset, DNS, protocol errors).
 */
export type AmqpConnectFailure = 'auth' | 'timeout' | 'certificate' | 'unreachable';

/** A broker that could not be reached, refused the handshake, or did not answer in time. */
export class AmqpConnectError extends Error {
  readonly url: string;
  readonly kind: AmqpConnectFailure;
  /**
   * TLS verification refused the broker's certificate (untrusted issuer, expired,
   * wrong address): set when the certificate is the problem, not the network.
   */
  readonly certificateProblem: string | undefined;
  constructor(
    url: string,
    message: string,
    options: ErrorOptions & { kind?: AmqpConnectFailure; certificateProblem?: string } = {},
  ) {
    super(`${redactAmqpUrl(url)}: ${message}`, options);
    this.name = 'AmqpConnectError';
    this.url = redactAmqpUrl(url);
    this.kind = options.kind ?? (options.certificateProblem ? 'certificate' : 'unreachable');
    this.certificateProblem = options.certificateProblem;
  }

  get timedOut(): boolean {
    return this.kind === 'timeout';
  }
}

// amqplib reports a connection.close during the handshake only in its message (no
// reply code on the error): "Handshake terminated by server: 403 (ACCESS-REFUSED)
// with message …" for bad credentials; a vhost the user may not open is a 403 close
// after connection.open. This is the one place a message is read, to set `kind`.
const ACCESS_REFUSED = /^Handshake terminated by server: 403\b|\b403\b.*ACCESS[-_]REFUSED/s;
/** 1 MiB: several batches of 100 messages of 1 KiB, or a batch of 500 of 2 KiB, queue without a wait. */
const SOCKET_WRITE_BUFFER_BYTES = 1024 * 1024;

// amqplib's socket timeout fires after ours, so the deadline is always ours to report
// (as `timeout`); amqplib's then only tears down the socket of a broker that never answered.
const SOCKET_TIMEOUT_MARGIN_MS = 1_000;

export interface ConnectAmqpOptions {
  /** Deadline for TCP connect plus the AMQP handshake. A hung broker accepts TCP, then says nothing. */
  readonly timeoutMs: number;
  /** Shown as the connection name in the management UI. */
  readonly connectionName?: string;
  readonly signal?: AbortSignal;
  /**
   * For amqps:// URLs: PEM CA certificate(s) the broker's certificate must chain
   * to, instead of Node's public roots. Verification (issuer, dates, and the
   * URL's host or IP against the certificate's names) is always on.
   */
  readonly caCertPem?: string;
}

/**
 * Opens an AMQP connection or fails within `timeoutMs`. The connection has an
 * `error` listener attached, so a later broker failure never crashes the process;
 * callers add their own `close` handling.
 *
 * @example const connection = await connectAmqp('amqp://guest:guest@127.0.0.1:5673', { timeoutMs: 2_000 });
 */
export async function connectAmqp(url: string, options: ConnectAmqpOptions): Promise<ChannelModel> {
  const socketOptions = {
    timeout: options.timeoutMs + SOCKET_TIMEOUT_MARGIN_MS,
    clientProperties: { connection_name: options.connectionName ?? 'warren' },
    // Passed on to net.connect (not in amqplib's types). Room for several batches'
    // frames (publish-frames.ts): past the socket's high-water mark amqplib's
    // muxer stops writing until 'drain', a turn of the event loop per batch.
    writableHighWaterMark: SOCKET_WRITE_BUFFER_BYTES,
    // Handed to tls.connect for amqps:// (ignored for amqp://). amqplib sets no SNI
    // servername for an IP host, so Node checks the IP against the certificate's IP SANs.
    ...(options.caCertPem !== undefined && { ca: [options.caCertPem] }),
  };
  const attempt = connect(url, socketOptions);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AmqpConnectError(url, `no AMQP handshake within ${options.timeoutMs} ms`, {
            kind: 'timeout',
          }),
        ),
      options.timeoutMs,
    );
    onAbort = () =>
      reject(new AmqpConnectError(url, 'connect aborted', { cause: options.signal?.reason }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const connection = await Promise.race([attempt, deadline]);
    connection.on('error', () => {
      // Surfaced through 'close'; without a listener an error event would crash the process.
    });
    return connection;
  } catch (error) {
    // A handshake that completes after the deadline must not leak a connection.
    attempt.then((late) => late.close()).catch(() => undefined);
    if (error instanceof AmqpConnectError) throw error;
    const certificateProblem = describeCertificateProblem(error);
    if (certificateProblem !== undefined) {
      const trusted = options.caCertPem === undefined ? "Node's public roots" : 'the given CA';
      throw new AmqpConnectError(
        url,
        `TLS certificate rejected: ${certificateProblem} (trusting ${trusted})`,
        { cause: error, certificateProblem },
      );
    }
    const message = (error as Error).message;
    throw new AmqpConnectError(url, message, {
      cause: error,
      kind: ACCESS_REFUSED.test(message) ? 'auth' : 'unreachable',
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}
