/** CloudFormation refuses a custom resource response body larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

/** Reasons are kept short: CloudFormation shows them in the stack events, one line each. */
const MAX_REASON_CHARS = 1_000;

/** The answer to one request, as CloudFormation expects it in the body PUT to the response URL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Readonly<Record<string, string>>;
}

export interface EncodedResponse {
  /** What the body says, which may differ from what was asked for (see `encodeResponse`). */
  readonly response: CustomResourceResponse;
  readonly body: string;
}

/**
 * The response as a JSON body of at most {@link MAX_RESPONSE_BYTES}: a long
 * Reason is cut to fit; a SUCCESS whose Data cannot fit becomes FAILED (a
 * truncated attribute would be silently wrong).
 *
 * @example const { body } = encodeResponse({ Status: 'SUCCESS', PhysicalResourceId: 'b1', StackId, RequestId, LogicalResourceId, Data: { NodeId: 'b1' } });
 */
export function encodeResponse(response: CustomResourceResponse): EncodedResponse {
  const body = JSON.stringify(response);
  if (Buffer.byteLength(body) <= MAX_RESPONSE_BYTES) return { response, body };
  const { Data: _data, NoEcho: _noEcho, ...bare } = response;
  if (
    response.Data !== undefined &&
    Buffer.byteLength(JSON.stringify(bare)) <= MAX_RESPONSE_BYTES
  ) {
    const dataBytes = Buffer.byteLength(JSON.stringify(response.Data));
    return encodeResponse({
      ...bare,
      Status: 'FAILED',
      Reason: `the response Data (${dataBytes} bytes) does not fit CloudFormation's ${MAX_RESPONSE_BYTES}-byte response limit`,
    });
  }
  return fitReason(bare);
}

/** Cuts Reason (by whole code points) until the body fits. */
function fitReason(response: CustomResourceResponse): EncodedResponse {
  const reason = Array.from(response.Reason ?? '');
  const cut = (length: number) => ({ ...response, Reason: `${reason.slice(0, length).join('')}…` });
  const fits = (length: number) =>
    Buffer.byteLength(JSON.stringify(cut(length))) <= MAX_RESPONSE_BYTES;
  let low = 0;
  let high = reason.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  const fitted = cut(low);
  return { response: fitted, body: JSON.stringify(fitted) };
}

/**
 * A one-line, bounded Reason for a failure: the error's name and the first line
 * of its message, never its stack (that stays in the function's log).
 *
 * @example reasonFor(new RegistryUnavailableError('cannot register broker b1 …')) // 'RegistryUnavailableError: cannot register broker b1 …'
 */
export function reasonFor(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n', 1)[0]?.trim() || 'no message';
  const reason = name === 'Error' ? firstLine : `${name}: ${firstLine}`;
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
}
