import { randomUUID } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { type AmqpLink, isLink, openLink, publishOne } from '../amqp/amqp-link.js';
import type { LinkFailure, LinkOutcome } from '../amqp/link-failure.js';
import { parseAmqpUrl } from '../core/amqp-endpoint.js';
import type { ProbeOutcome } from '../core/probe-outcome.js';
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

  const link = await openLink(target.endpoint, {
    timeoutMs: options.amqpTimeoutMs,
    connectionName: `warren probe ${target.id}`,
    credentials: options.credentials,
    caCertPem: options.caCertPem,
  });
  if (!isLink(link)) return outcomeOf(link, 'amqp');
  try {
    const published = await publishProbe(link, options.publishTimeoutMs);
    if (!published.ok) return outcomeOf(published.failure, 'publish');

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
  } finally {
    await link.close();
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

/** Whether the broker refused the probe's credentials (they may have been rotated). */
export function isAuthenticationRefused(outcome: ProbeOutcome): boolean {
  return outcome.result === 'failed' && outcome.cause === 'credentials-refused';
}

/** A link's failure at the AMQP stage (its open) or the publish stage, as a probe outcome. */
function outcomeOf(failure: LinkFailure, stage: 'amqp' | 'publish'): ProbeOutcome {
  switch (failure.kind) {
    case 'connect':
      switch (failure.cause) {
        case 'timeout':
          return soft('amqp', 'no AMQP handshake or channel in time');
        // An untrusted, expired or misaddressed certificate stays so until someone acts
        // (a renewal, the right CA): retrying cannot fix it, like refused credentials.
        case 'certificate':
          return hard('amqp', `TLS certificate rejected: ${failure.certificateProblem}`);
        case 'unreachable':
          return soft('amqp', failure.detail);
        default:
          return failure satisfies never;
      }
    case 'auth':
      return {
        result: 'failed',
        stage: 'amqp',
        severity: 'hard',
        reason: 'authentication refused',
        cause: 'credentials-refused',
      };
    // Blocked while opening or publishing: either way publishes would hang.
    case 'blocked':
      return {
        result: 'blocked',
        stage: 'publish',
        reason: `connection blocked: ${failure.detail}`,
      };
    case 'timeout':
      return soft('publish', `no confirm within ${failure.afterMs} ms`);
    case 'closed':
      return soft(
        stage,
        stage === 'publish' ? 'channel closed before the confirm' : failure.detail,
      );
    case 'nack':
      return soft('publish', 'broker nacked the probe');
    case 'unroutable':
      return hard('publish', `probe queue ${PROBE_QUEUE} is missing (unroutable)`);
    default:
      return failure satisfies never;
  }
}

/** Publishes one persistent, mandatory probe and times it until its confirm. */
async function publishProbe(
  link: AmqpLink,
  timeoutMs: number,
): Promise<{ readonly ok: true; readonly latencyMs: number } | Exclude<LinkOutcome, { ok: true }>> {
  const started = performance.now();
  const body = Buffer.from(JSON.stringify({ probe: randomUUID(), at: new Date().toISOString() }));
  const outcome = await publishOne(
    link,
    {
      exchange: '',
      routingKey: PROBE_QUEUE,
      content: body,
      options: { persistent: true, mandatory: true, contentType: 'application/json' },
    },
    timeoutMs,
  );
  return outcome.ok ? { ok: true, latencyMs: performance.now() - started } : outcome;
}
