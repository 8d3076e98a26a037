/** Why the HTTP layer refused a request before the publish service saw it. */
export type HttpRequestProblem =
  | 'unsupported_media_type'
  | 'request_too_large'
  | 'method_not_allowed'
  | 'not_found';

/**
 * A request refused by the HTTP adapter itself (its body, media type, method
 * or path); src/http/error-table.ts gives its status.
 *
 * @example throw new HttpRequestError('method_not_allowed', 'GET is not allowed on /v1/publish', { Allow: 'POST' });
 */
export class HttpRequestError extends Error {
  readonly problem: HttpRequestProblem;
  readonly headers: Readonly<Record<string, string>>;
  constructor(problem: HttpRequestProblem, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpRequestError';
    this.problem = problem;
    this.headers = headers;
  }
}
