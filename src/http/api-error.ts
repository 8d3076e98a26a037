import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { RegistryUnavailableError } from '../registry/health-registry.js';

/** An error a caller may see: an HTTP status, a stable machine-readable code and a message. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** Maps any error to the JSON error contract; unknown errors never show their message or stack. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof RegistryUnavailableError) {
    return new ApiError(
      503,
      'registry_unavailable',
      'the broker registry cannot be read right now',
      {
        'Retry-After': '1',
      },
    );
  }
  if (error instanceof HTTPException) {
    return new ApiError(
      error.status as ContentfulStatusCode,
      'bad_request',
      error.message || 'bad request',
    );
  }
  return new ApiError(500, 'internal_error', 'internal error');
}

export function errorResponse(c: Context, error: ApiError): Response {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  return c.json(body, error.status, { ...error.headers });
}
