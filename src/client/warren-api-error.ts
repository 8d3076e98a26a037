import type { MessageResult } from '../publish/publisher.js';

/**
 * A warren API answer other than 200 or 207: its status, the error code and
 * message from the JSON error body, and `Retry-After` in seconds when sent.
 * A publish where nothing was accepted (422 all unroutable, 503 retry later)
 * carries its per-message `results` and the code `not_accepted`.
 */
export class WarrenApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;
  readonly results: readonly MessageResult[] | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: {
      retryAfterSeconds?: number;
      results?: readonly MessageResult[];
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'WarrenApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.results = options.results;
  }
}

/** The error for a non-200/207 answer's parsed JSON body (anything, for a proxy's HTML page). */
export function apiErrorFrom(
  status: number,
  body: unknown,
  retryAfter: string | null | undefined,
): WarrenApiError {
  const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
  const retryAfterSeconds = Number.isFinite(seconds) ? seconds : undefined;
  const options = { ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) };
  if (isObject(body) && isObject(body.error)) {
    const { code, message } = body.error;
    return new WarrenApiError(status, String(code), String(message), options);
  }
  if (isObject(body) && Array.isArray(body.results)) {
    const results = body.results as MessageResult[];
    const first = results.find((result) => result.status === 'failed');
    const why = first?.status === 'failed' ? `: ${first.code}, ${first.error}` : '';
    return new WarrenApiError(status, 'not_accepted', `no message was accepted${why}`, {
      ...options,
      results,
    });
  }
  return new WarrenApiError(status, 'unexpected_response', `unexpected ${status} answer`, options);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
