/** The app, publisher and requests the publish-route tests share. */
import { expect } from 'vitest';
import { createApp } from '../../src/http/app.js';
import type { MessageResult, PublishMessage } from '../../src/publish/publisher.js';
import type { CachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { type PublishServiceParts, publishService } from '../../src/service/publish-service.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { withProbeQueue } from '../../src/topology/probe-queue.js';
import { recordingPublisher } from '../support/recording-publisher.js';

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const topology = withProbeQueue(defaultTopology);
export const unreadFleet: CachedFleetView = {
  read: () => Promise.reject(new Error('publishing does not read the fleet view here')),
  invalidate: () => undefined,
};
export const valid = { queue: 'tasks', messages: [{ id: 'a', body: { n: 1 } }, { body: 2 }] };
export const json = 'application/json';
export const bytes = (text: string) => new TextEncoder().encode(text);

export function setup(
  outcome?: (message: PublishMessage, index: number) => MessageResult,
  options: Partial<PublishServiceParts> = {},
) {
  const publisher = recordingPublisher(outcome);
  const internalErrors: unknown[] = [];
  const app = createApp(
    publishService({
      fleet: unreadFleet,
      probeIntervalMs: 1_000,
      publisher,
      topology,
      onInternalError: (error) => internalErrors.push(error),
      ...options,
    }),
  );
  const send = (init: RequestInit) => app.request('/v1/publish', { method: 'POST', ...init });
  const post = (body: unknown, contentType = json) =>
    send({ headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  return { app, publisher, internalErrors, send, post };
}

/** A body that arrives in chunks with no Content-Length, as with Transfer-Encoding: chunked. */
export function streamed(totalBytes: number, chunkBytes = 64 * KIB): RequestInit {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const size = Math.min(chunkBytes, totalBytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { headers: { 'content-type': json }, body, duplex: 'half' } as RequestInit;
}

/** `valid` padded with trailing whitespace (which JSON allows) to exactly `size` bytes. */
export const paddedTo = (size: number) => {
  const text = JSON.stringify(valid);
  return bytes(text + ' '.repeat(size - text.length));
};

/** A request the route must refuse: its name, the request, and the status and error code it must get. */
export type Refusal = [name: string, init: RequestInit, status: number, code: string];

export const refusalCases = (refusals: Refusal[]) =>
  refusals.map(([name, init, status, code]) => ({ name, init, status, code }));

/** Sends `init`; expects a JSON error with `status` and `code` and no publish; then a valid request still succeeds. */
export async function expectRefusal({
  init,
  status,
  code,
}: {
  init: RequestInit;
  status: number;
  code: string;
}) {
  const { send, post, publisher, internalErrors } = setup();

  const response = await send(init);
  const text = await response.text();

  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } });
  expect(text).not.toMatch(/stack|\.ts:\d|node_modules|\n\s+at /);
  if (status === 405) expect(response.headers.get('allow')).toBe('POST');
  expect(publisher.calls).toEqual([]);
  expect(internalErrors).toEqual([]);
  expect((await post(valid)).status).toBe(200);
  expect(publisher.calls).toHaveLength(1);
}
