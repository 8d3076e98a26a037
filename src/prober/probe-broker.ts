import { randomUUID } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { AmqpConnectError, connectAmqp } from '../amqp/connect-amqp.js';
import { parseAmqpUrl, withCredentials } from '../core/amqp-endpoint.js';
import type { ProbeOutcome } from '../core/probe-outcome.js';
import { withDeadline } from '../timing/with-deadline.js';
import { PROBE_QUEUE } from '../topology/probe-queue.js';
import { checkAlarms } from './check-alarms.js';

export interface ProbeTarget {
  readonly id: string;
  /** Registry endpoint, without credentials. */
  readonly endpoint: string;
  readonly managementEndpoint?: string;
}

export interface ProbeOptions {
  readonly credentials: { readonly username: string; readonly password: string };
  readonly tcpTimeoutMs: number;
  readonly amqpTimeoutMs: number;
  readonly publishTimeoutMs: number;
  readonly managementTimeoutMs: number;
  /** A confirm slower than this makes the broker `degraded`. */
  readonly degradedLatencyMs: number;
  /**
   * PEM CA certificate(s) trusted for amqps:// endpoints and https:// management
   * APIs instead of Node's public roots; plain amqp:// and http:// ignore it.
   */
  readonly caCertPem?: string;
}

export const DEFAULT_PROBE_OPTIONS: Omit<ProbeOptions, 'credentials'> = {
  tcpTimeoutMs: 1_000,
  amqpTimeoutMs: 2_000,
  publishTimeoutMs: 2_000,
  managementTimeoutMs: 2_000,
  degradedLatencyMs: 250,
};

const soft = (stage: 'tcp' | 'amqp' | 'publish', reason: string): ProbeOutcome => ({
  result: 'failed',
  stage,
  severity: 'soft',
  reason,
});
const hard = (stage: 'tcp' | 'amqp' | 'publish', reason: string): ProbeOutcome => ({
  result: 'failed',
  stage,
  severity: 'hard',
  reason,
});

/**
 * Probes one broker in stages, the first failure deciding: TCP connect → AMQP
 * open and channel → a persistent publish to the probe queue, timed until its
 * confirm → the management API's alarm check, when the broker has one. Every
 * stage has its own deadline; the probe connection is always closed. amqps://
 * and https:// endpoints are verified against `caCertPem`; a certificate
 * refused at the AMQP stage is a hard failure.
 * Never throws: failures are data.
 *
 * @example const outcome = await probeBroker({ id: 'b1', endpoint: 'amqp://127.0.0.1:5673' }, { ...DEFAULT_PROBE_OPTIONS, credentials });
 */
export async function probeBroker(
  target: ProbeTarget,
  options: ProbeOptions,
): Promise<ProbeOutcome> {
  const { host, port } = parseAmqpUrl(target.endpoint);
  const tcp = await checkTcp(host, port, options.tcpTimeoutMs);
  if (tcp) return tcp;

  const url = withCredentials(
    target.endpoint,
    options.credentials.username,
    options.credentials.password,
  );
  let connection: ChannelModel;
  try {
    connection = await connectAmqp(url, {
      timeoutMs: options.amqpTimeoutMs,
      connectionName: `warren probe ${target.id}`,
      ...(options.caCertPem !== undefined && { caCertPem: options.caCertPem }),
    });
  } catch (error) {
    return amqpFailure(error);
  }
  try {
    let blocked: string | undefined;
    connection.on('blocked', (reason: string) => {
      blocked = reason;
    });
    const channel = await withDeadline(connection.createConfirmChannel(), options.amqpTimeoutMs);
    if (channel === 'timeout') return soft('amqp', `no channel within ${options.amqpTimeoutMs} ms`);
    channel.on('error', () => undefined);
    const published = await publishProbe(connection, channel, options.publishTimeoutMs);
    if (blocked !== undefined)
      return { result: 'blocked', stage: 'publish', reason: `connection blocked: ${blocked}` };
    if (published.result !== 'confirmed') return published.outcome;

    const alarms = target.managementEndpoint
      ? await checkAlarms(target.managementEndpoint, {
          credentials: options.credentials,
          timeoutMs: options.managementTimeoutMs,
          ...(options.caCertPem !== undefined && { caCertPem: options.caCertPem }),
        })
      : undefined;
    if (alarms?.result === 'blocked') return alarms;
    if (alarms?.result === 'unavailable') {
      return { result: 'degraded', latencyMs: published.latencyMs, reason: alarms.reason };
    }
    if (published.latencyMs > options.degradedLatencyMs) {
      // The reason names the threshold, not the figure (that is `latencyMs`), so a
      // steadily slow broker's record stays the same and is not rewritten every round.
      const reason = `publish confirms slower than ${options.degradedLatencyMs} ms`;
      return { result: 'degraded', latencyMs: published.latencyMs, reason };
    }
    return { result: 'ok', latencyMs: published.latencyMs };
  } catch (error) {
    return soft('amqp', (error as Error).message);
  } finally {
    // A hung broker may never answer close: bounded, and errors are moot.
    await withDeadline(
      connection.close().catch(() => undefined),
      1_000,
    );
  }
}

function checkTcp(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<ProbeOutcome | undefined> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (outcome: ProbeOutcome | undefined) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () =>
      done(soft('tcp', `no TCP connection within ${timeoutMs} ms`)),
    );
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(
        error.code === 'ECONNREFUSED'
          ? hard('tcp', 'connection refused')
          : soft('tcp', error.code ?? error.message),
      ),
    );
  });
}

const AUTHENTICATION_REFUSED = 'authentication refused';

/** Whether the broker refused the probe's credentials (they may have been rotated). */
export function isAuthenticationRefused(outcome: ProbeOutcome): boolean {
  return (
    outcome.result === 'failed' &&
    outcome.stage === 'amqp' &&
    outcome.reason === AUTHENTICATION_REFUSED
  );
}

function amqpFailure(error: unknown): ProbeOutcome {
  if (!(error instanceof AmqpConnectError)) return soft('amqp', (error as Error).message);
  switch (error.kind) {
    case 'timeout':
      return soft('amqp', 'no AMQP handshake in time');
    // An untrusted, expired or misaddressed certificate stays so until someone acts
    // (a renewal, the right CA): retrying cannot fix it, like refused credentials.
    case 'certificate':
      return hard('amqp', `TLS certificate rejected: ${error.certificateProblem}`);
    case 'auth':
      return hard('amqp', AUTHENTICATION_REFUSED);
    case 'unreachable':
      return soft('amqp', error.message);
    default:
      return error.kind satisfies never;
  }
}

type PublishResult =
  | { readonly result: 'confirmed'; readonly latencyMs: number }
  | { readonly result: 'failed'; readonly outcome: ProbeOutcome };

/** Publishes one persistent, mandatory probe and waits for its confirm, a return, a close, `blocked` or the deadline. */
function publishProbe(
  connection: ChannelModel,
  channel: ConfirmChannel,
  timeoutMs: number,
): Promise<PublishResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const cleanups: (() => void)[] = [];
    const finish = (result: PublishResult) => {
      for (const cleanup of cleanups) cleanup();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        finish({ result: 'failed', outcome: soft('publish', `no confirm within ${timeoutMs} ms`) }),
      timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
    const on = (emitter: ChannelModel | ConfirmChannel, event: string, listener: () => void) => {
      emitter.on(event, listener);
      cleanups.push(() => emitter.off(event, listener));
    };
    on(connection, 'blocked', () =>
      finish({
        result: 'failed',
        outcome: { result: 'blocked', stage: 'publish', reason: 'connection blocked' },
      }),
    );
    on(channel, 'close', () =>
      finish({ result: 'failed', outcome: soft('publish', 'channel closed before the confirm') }),
    );
    on(channel, 'return', () =>
      finish({
        result: 'failed',
        outcome: hard('publish', `probe queue ${PROBE_QUEUE} is missing (unroutable)`),
      }),
    );
    const body = Buffer.from(JSON.stringify({ probe: randomUUID(), at: new Date().toISOString() }));
    channel.sendToQueue(
      PROBE_QUEUE,
      body,
      { persistent: true, mandatory: true, contentType: 'application/json' },
      (error) => {
        if (error)
          finish({ result: 'failed', outcome: soft('publish', 'broker nacked the probe') });
        else finish({ result: 'confirmed', latencyMs: performance.now() - started });
      },
    );
  });
}
