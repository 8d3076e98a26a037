import { IncomingMessage } from 'node:http';
import type { Hono } from 'hono';
import type { PublishService } from '../service/publish-service.js';
import type { AppEnv } from './app.js';
import { resultsOutcome, send } from './error-table.js';
import { HttpRequestError } from './http-request-error.js';

export const PUBLISH_PATH = '/v1/publish';

/**
 * `POST /v1/publish`. The size limit comes first: a declared Content-Length
 * over it is refused before any byte is read, and the body is counted as it
 * is read whatever Content-Length says (a chunked body has none). Then the
 * content type, and the body's bytes go to the publish service, which parses
 * and validates them in one pass; each message's body reaches the broker as
 * the bytes the client sent. Other methods get a 405.
 *
 * @example registerPublishRoute(app, service);
 */
export function registerPublishRoute(app: Hono<AppEnv>, service: PublishService): void {
  const { maxRequestBytes } = service.limits;
  // The rest of an oversized body is read and dropped, not parsed: closing the
  // connection instead would reset it under a client still sending, losing the answer.
  const tooLarge = () =>
    new HttpRequestError(
      'request_too_large',
      `the request body is over the ${maxRequestBytes}-byte limit`,
    );

  app.post(PUBLISH_PATH, async (c) => {
    if (Number(c.req.header('content-length')) > maxRequestBytes) throw tooLarge();
    if (!isJsonMediaType(c.req.header('content-type'))) {
      throw new HttpRequestError(
        'unsupported_media_type',
        'send the request body as Content-Type: application/json',
      );
    }
    const incoming = nodeRequestOf(c.env);
    const bytes = incoming
      ? await readNodeBodyAtMost(incoming, maxRequestBytes)
      : await readAtMost(c.req.raw, maxRequestBytes);
    if (bytes === undefined) throw tooLarge();
    const telemetry = c.get('telemetry');
    return send(c, resultsOutcome(await service.publishBytes(bytes, { telemetry })));
  });
  app.all(PUBLISH_PATH, (c) => {
    throw new HttpRequestError(
      'method_not_allowed',
      `${c.req.method} is not allowed on ${PUBLISH_PATH}`,
      { Allow: 'POST' },
    );
  });
}

/** `application/json`, with or without parameters such as `charset`. */
function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * Node's request under @hono/node-server (its `env.incoming`), whose body is
 * read straight from the socket's chunks: the web `Request` and stream that
 * node-server builds only when a body is read through them cost, in a profile
 * under load, over half as much CPU as parsing and validating that body
 * (BENCHMARKS.md, issue 14). Absent in the Lambda and in `app.request()`,
 * which read the `Request`.
 */
function nodeRequestOf(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/** The body's bytes, or undefined once more than `maxBytes` arrive; the rest is then dropped as it comes. */
function readNodeBodyAtMost(
  incoming: IncomingMessage,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        done();
        incoming.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => onError(new Error('the request was aborted before its body was read'));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** The body's bytes, or undefined once more than `maxBytes` arrive (Content-Length can lie). */
async function readAtMost(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
}
