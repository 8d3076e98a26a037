import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/eventually.js';

const fleet = inject('fleet');

/** The lines of the local API's request log with this request id. */
async function loggedLines(requestId: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(fleet.apiLog, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.includes(requestId))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the local API request log', () => {
  it('writes one line per request with the caller’s x-request-id, echoed, and what the publisher did', async () => {
    const requestId = `local-${Date.now()}`;
    const response = await fetch(`${fleet.apiUrl}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ queue: 'tasks', messages: [{ body: 1 }, { body: 2 }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe(requestId);

    const [line, ...more] = await eventually(async () => {
      const lines = await loggedLines(requestId);
      expect(lines).not.toEqual([]);
      return lines;
    });
    expect(more).toEqual([]);
    expect(line).toEqual({
      time: expect.any(String),
      message: 'publish request',
      requestId,
      transport: 'http',
      status: 200,
      accepted: 2,
      failed: 0,
      failedByCode: {},
      view: expect.stringMatching(/^(fresh|stale)$/),
      panic: expect.any(Boolean),
      failedOver: 0,
      attemptFailures: [],
      durationMs: expect.any(Number),
    });
  });

  it('logs a refused request without publisher fields, and replaces an unsafe request id with its own', async () => {
    const response = await fetch(`${fleet.apiUrl}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'has spaces\tand tabs' },
      body: JSON.stringify({ queue: 'tasks', messages: [] }),
    });
    expect(response.status).toBe(400);
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const [line] = await eventually(async () => {
      const lines = await loggedLines(requestId);
      expect(lines).toHaveLength(1);
      return lines;
    });
    expect(line).toMatchObject({ requestId, status: 400, accepted: 0, failed: 0 });
    expect(line).not.toHaveProperty('view');
  });
});
