import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { describeCertificateProblem } from '../amqp/ca-certificate.js';
import type { ProbeOutcome } from '../core/probe-outcome.js';

export type AlarmCheck =
  | { readonly result: 'clear' }
  | { readonly result: 'unavailable'; readonly reason: string }
  | (ProbeOutcome & { readonly result: 'blocked' });

export interface AlarmCheckOptions {
  readonly credentials: { readonly username: string; readonly password: string };
  /** For the whole exchange: connect, TLS, request and the complete answer. */
  readonly timeoutMs: number;
  /** For https:// endpoints: PEM CA certificate(s) trusted instead of Node's public roots. */
  readonly caCertPem?: string;
}

/**
 * Whether `hostname` (as `URL.hostname` gives it) is this machine: 127.0.0.0/8,
 * `[::1]` or `localhost`. Only there may credentials travel over plain http.
 *
 * @example isLoopbackHost(new URL('http://127.0.0.1:15672').hostname) // true
 */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * Why a management API URL must not be used, or undefined: the prober sends the
 * broker's credentials to it with basic auth, so it must be https://, or
 * http:// to a loopback host (the local fleet). One rule for the CLI, the
 * registration custom resource and the prober.
 *
 * @example managementEndpointProblem(new URL('http://10.0.1.5:15672')) // 'must be https:// …'
 */
export function managementEndpointProblem(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol !== 'http:') return 'must be an https:// URL';
  return 'must be https:// (plain http:// only to a loopback host such as 127.0.0.1): the prober sends the broker credentials to it';
}

/** The health check answers a few hundred bytes; anything far larger is not RabbitMQ. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Asks RabbitMQ's management API whether a resource alarm is in effect
 * (`/api/health/checks/local-alarms`: 200 none, 503 with the alarms), over
 * https:// trusting `caCertPem`, or http:// to a loopback host (the local
 * fleet). An API that cannot be asked, including one whose certificate is
 * refused and a plain-http one elsewhere (credentials are never sent in
 * clear), is `unavailable`: the broker itself already answered over AMQP.
 * Never throws.
 *
 * @example const check = await checkAlarms('https://10.0.1.5:15671', { credentials, timeoutMs: 2_000, caCertPem });
 */
export async function checkAlarms(
  managementEndpoint: string,
  options: AlarmCheckOptions,
): Promise<AlarmCheck> {
  let url: URL;
  try {
    url = new URL('/api/health/checks/local-alarms', managementEndpoint);
  } catch {
    return { result: 'unavailable', reason: 'management API: the endpoint is not a URL' };
  }
  const problem = managementEndpointProblem(url);
  if (problem) {
    return {
      result: 'unavailable',
      reason: `management API: not asked, credentials withheld: ${url.protocol}//${url.host} ${problem}`,
    };
  }
  let answer: { status: number; body: string };
  try {
    answer = await get(url, options);
  } catch (error) {
    const certificate = describeCertificateProblem(error);
    const problem = certificate ? `TLS certificate rejected: ${certificate}` : messageOf(error);
    return { result: 'unavailable', reason: `management API: ${problem}` };
  }
  if (answer.status === 200) return { result: 'clear' };
  if (answer.status === 503) {
    const resources = alarmedResources(answer.body);
    const reason = `${resources.length > 0 ? resources.join(', ') : 'resource'} alarm in effect`;
    return { result: 'blocked', stage: 'management', reason };
  }
  return { result: 'unavailable', reason: `management API answered ${answer.status}` };
}

function alarmedResources(body: string): string[] {
  try {
    const { alarms } = JSON.parse(body) as { alarms?: { resource?: unknown }[] };
    if (!Array.isArray(alarms)) return [];
    return alarms.map((alarm) =>
      typeof alarm?.resource === 'string' ? alarm.resource : 'unknown',
    );
  } catch {
    return [];
  }
}

/**
 * One GET on a connection of its own (no agent pool): a pooled socket the
 * broker has since closed would fail a probe for nothing, and a probe a minute
 * gains nothing from keep-alive. Node's global fetch cannot take a CA without
 * undici's Agent, hence node:http(s).
 */
function get(url: URL, options: AlarmCheckOptions): Promise<{ status: number; body: string }> {
  const { username, password } = options.credentials;
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') {
    return Promise.reject(new Error(`not an http(s) URL: ${url.protocol}`));
  }
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      outcome();
    };
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      response.on('end', () =>
        settle(() =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        ),
      );
      response.on('error', (error) => settle(() => reject(error)));
      response.on('close', () => {
        if (!response.complete) settle(() => reject(new Error('answer cut off')));
      });
    };
    const requestOptions = {
      method: 'GET',
      agent: false,
      headers: {
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
      },
    } as const;
    const request = secure
      ? httpsRequest(
          url,
          {
            ...requestOptions,
            ...(options.caCertPem !== undefined && { ca: options.caCertPem }),
          },
          onResponse,
        )
      : httpRequest(url, requestOptions, onResponse);
    timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on('error', (error) => settle(() => reject(error)));
    request.end();
  });
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as NodeJS.ErrnoException;
  // Connection errors from node:net carry the useful part in `code` (ECONNREFUSED), not always the message.
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
