import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_PUBLISH_LIMITS } from '../../src/service/publish-limits.js';

const fleet = inject('fleet');
const api = new URL(fleet.apiUrl);
const LIMIT = DEFAULT_PUBLISH_LIMITS.maxRequestBytes;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/** POSTs `chunks` to /v1/publish as a chunked body (no Content-Length), one write per chunk. */
function postChunked(chunks: readonly Buffer[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: api.hostname,
        port: api.port,
        path: '/v1/publish',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(parts).toString('utf8')),
          }),
        );
      },
    );
    // The server may answer and close before every chunk is written: that is the point.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    (async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((drained) => req.once('drain', drained));
      }
      req.end();
    })().catch(reject);
  });
}

const publishJson = (messages: number) =>
  Buffer.from(
    JSON.stringify({
      queue: 'tasks',
      messages: Array.from({ length: messages }, (_, i) => ({ body: { i } })),
    }),
  );

describe('POST /v1/publish body, read from the socket', () => {
  it('publishes a chunked body (no Content-Length) read in many pieces', async () => {
    const json = publishJson(3);
    const pieces = Array.from({ length: Math.ceil(json.length / 7) }, (_, i) =>
      json.subarray(i * 7, i * 7 + 7),
    );

    const answer = await postChunked(pieces);

    expect(answer.status).toBe(200);
    expect((answer.body as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(
      ['accepted', 'accepted', 'accepted'],
    );
  });

  it('answers 413 as JSON to a chunked body over the limit, dropping the rest, and serves the next request', async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const chunks = [
      Buffer.from('{"queue":"tasks","messages":[{"body":"'),
      ...Array(24).fill(chunk),
    ];

    const answer = await postChunked(chunks);

    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({
      error: { code: 'request_too_large', message: expect.stringContaining(String(LIMIT)) },
    });
    expect((await postChunked([publishJson(1)])).status).toBe(200);
  });

  it('answers 413 to a declared Content-Length over the limit before any body byte is sent', async () => {
    const socket = connect(Number(api.port), api.hostname);
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (data) => {
        text += data.toString('utf8');
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write(
        `POST /v1/publish HTTP/1.1\r\nHost: ${api.host}\r\nContent-Type: application/json\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`,
      );
    });

    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain('"code":"request_too_large"');
  });

  it('keeps serving after a client hangs up halfway through its body', async () => {
    const socket = connect(Number(api.port), api.hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /v1/publish HTTP/1.1\r\nHost: ${api.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"queue":"tasks",`,
    );
    socket.destroy();

    const answer = await postChunked([publishJson(1)]);
    expect(answer.status).toBe(200);
  });
});
