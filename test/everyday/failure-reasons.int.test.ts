import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { probe, publisherOver } from '../support/publishing.js';
import { deadFleetRegistry } from '../support/registry.js';

describe('failure reasons a caller sees (HTTP API)', () => {
  it('name the broker and what went wrong, never its user name or address', async () => {
    const registry = await deadFleetRegistry(2);
    await runProbeRound({ registry, probe, refreshAfterMs: 0 });
    const setup = publisherOver(registry);
    try {
      const app = createApp(setup.service);
      const response = await app.request('/v1/publish', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ queue: 'tasks', messages: [{ id: 'r1', body: 1 }] }),
      });
      const text = await response.text();

      expect(response.status).toBe(503);
      expect(JSON.parse(text)).toEqual({
        results: [
          {
            id: 'r1',
            status: 'failed',
            code: 'brokers_failed',
            error: expect.stringMatching(/^every broker failed; last d[01]: could not connect$/),
          },
        ],
      });
      expect(text).not.toMatch(/guest|127\.0\.0\.1|amqp:/);
    } finally {
      await setup.close();
    }
  });
});
