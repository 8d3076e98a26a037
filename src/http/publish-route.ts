import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { PublishService } from '../service/publish-service.js';
import type { AppEnv } from './app.js';
import { errorOutcome, resultsOutcome, send } from './error-table.js';
import { HttpRequestError } from './http-request-error.js';

export const PUBLISH_PATH = '/v1/publish';

/**
 * `POST /v1/publish`. The size limit comes first: a declared Content-Length
 * over it is refused before any byte is read, and the body is counted as it
 * is read whatever Content-Length says. Then the content type, the JSON, and
 * the publish service. Other methods get a 405.
 *
 * @example registerPublishRoute(app, service);
 */
export function registerPublishRoute(app: Hono<AppEnv>, service: PublishService): void {
  const { maxRequestBytes } = service.limits;
  const tooLarge = () =>
    new HttpRequestError(
      'request_too_large',
      `the request body is over the ${maxRequestBytes}-byte limit`,
    );

  app.post(
    PUBLISH_PATH,
    bodyLimit({ maxSize: maxRequestBytes, onError: (c) => send(c, errorOutcome(tooLarge())) }),
    async (c) => {
      if (!isJsonMediaType(c.req.header('content-type'))) {
        throw new HttpRequestError(
          'unsupported_media_type',
          'send the request body as Content-Type: application/json',
        );
      }
      const bytes = await readAtMost(c.req.raw, maxRequestBytes);
      if (bytes === undefined) throw tooLarge();
      const telemetry = c.get('telemetry');
      return send(c, resultsOutcome(await service.publish(parseJson(bytes), { telemetry })));
    },
  );
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

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new HttpRequestError('malformed_json', 'the request body is not valid UTF-8 JSON');
  }
}
