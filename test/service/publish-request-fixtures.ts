/** Request builders and the refusal reader the publish-request tests share. */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { errorOutcome } from '../../src/http/error-table.js';
import { DEFAULT_PUBLISH_LIMITS, type PublishLimits } from '../../src/service/publish-limits.js';
import {
  parsePublishRequest,
  parsePublishRequestBytes,
} from '../../src/service/publish-request.js';
import { PublishRequestError } from '../../src/service/publish-request-error.js';

export const KIB = 1024;
export const toTasks = (messages: unknown) => ({ queue: 'tasks', messages });
export const oneMessage = (message: Record<string, unknown>) => toTasks([{ body: 1, ...message }]);
export const withHeaders = (headers: unknown) => oneMessage({ headers });
export const manyHeaders = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`h${i}`, 'v']));
export const bodies = (count: number) => Array.from({ length: count }, (_, i) => ({ body: i }));

/**
 * The refusal, with the status and code the edge answers it with. A request
 * JSON can carry is also read from its JSON bytes, as the HTTP edge reads it,
 * and must be refused the same way.
 */
export function rejection(json: unknown, limits: PublishLimits = DEFAULT_PUBLISH_LIMITS) {
  const refusal = refusalOf(() => parsePublishRequest(json, limits));
  const text = jsonText(json);
  if (text !== undefined) {
    const fromBytes = refusalOf(() => parsePublishRequestBytes(Buffer.from(text), limits));
    expect(fromBytes, 'refused the same way when read from bytes').toEqual(refusal);
  }
  return refusal;
}

function refusalOf(parse: () => unknown) {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof PublishRequestError)) throw error;
    const { status, body } = errorOutcome(error);
    return { status, code: body.error.code, message: error.message };
  }
  throw new Error('expected the request to be refused');
}

/** `json` as JSON text, when JSON can carry it unchanged (not an in-process-only value). */
function jsonText(json: unknown): string | undefined {
  try {
    const text = JSON.stringify(json);
    return text !== undefined && isDeepStrictEqual(JSON.parse(text), json) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The check of every `refuses %s with 400 invalid_request` row. */
export function expectInvalidRequest(_name: string, json: unknown, message: RegExp) {
  const error = rejection(json);

  expect(error.status).toBe(400);
  expect(error.code).toBe('invalid_request');
  expect(error.message).toMatch(message);
}
