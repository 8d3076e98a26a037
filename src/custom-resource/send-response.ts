import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** The response could not be delivered; the message names the host, never the pre-signed URL. */
export class ResponseDeliveryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ResponseDeliveryError';
  }
}

export interface SendResponseOptions {
  /** Pauses before each retry; their count is the number of retries. @default [1_000, 3_000] */
  readonly retryDelaysMs?: readonly number[];
  /** Per attempt. @default 5_000 */
  readonly timeoutMs?: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * PUTs a custom resource response body to the request's pre-signed S3 URL,
 * retrying a failed attempt. Only `https` URLs are accepted, and plain `http`
 * to a loopback address (tests, local emulators): a response sent anywhere
 * else in clear would expose the pre-signed URL.
 *
 * @example await sendResponse(event.ResponseURL, encodeResponse(response));
 */
export async function sendResponse(
  responseUrl: string,
  body: string,
  options: SendResponseOptions = {},
): Promise<void> {
  const url = responseTarget(responseUrl);
  const delays = options.retryDelaysMs ?? [1_000, 3_000];
  const timeoutMs = options.timeoutMs ?? 5_000;
  let lastError: unknown;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await sleep(delays[attempt - 1]);
    try {
      await put(url, body, timeoutMs);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw new ResponseDeliveryError(
    `could not deliver the response to ${url.host} after ${delays.length + 1} attempts: ${(lastError as Error).message}`,
    { cause: lastError },
  );
}

function responseTarget(responseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    throw new ResponseDeliveryError('the response URL is not a URL');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw new ResponseDeliveryError(
    `refusing to send the response to ${url.protocol}//${url.host}: only https (or http to loopback) is allowed`,
  );
}

function put(url: URL, body: string, timeoutMs: number): Promise<void> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'PUT',
      // S3 checks the content type against the URL's signature, which was made with none.
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.on('response', (response) => {
      response.on('error', reject);
      response.resume();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) response.on('end', () => resolve());
      else reject(new Error(`HTTP ${status}`));
    });
    request.end(body);
  });
}
