/**
 * Why a publish request was refused before any broker was tried. The caller
 * must change the request: sending it again as it is fails the same way.
 */
export type PublishRequestProblem =
  /** The request's bytes are not UTF-8 JSON (a request given as bytes, as the HTTP body is). */
  | 'malformed_json'
  /** A field is missing, mistyped or out of range, or two messages share an id. */
  | 'invalid_request'
  | 'too_many_messages'
  /** One message's body as JSON plus its headers is over the per-message limit. */
  | 'message_too_large'
  /** Not a queue or exchange of the topology, or one of warren's own. */
  | 'unknown_destination'
  /** No binding in the topology matches the routing key. */
  | 'unroutable';

/**
 * A publish request refused for its own sake. The transports map `problem`
 * to their status (src/http/error-table.ts); the message names the fields at
 * fault and never holds a credential or an internal address.
 *
 * @example throw new PublishRequestError('unknown_destination', 'queue "tsks" is not a destination this API publishes to');
 */
export class PublishRequestError extends Error {
  readonly problem: PublishRequestProblem;
  constructor(problem: PublishRequestProblem, message: string) {
    super(message);
    this.name = 'PublishRequestError';
    this.problem = problem;
  }
}
