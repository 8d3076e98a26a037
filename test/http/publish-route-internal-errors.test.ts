import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { publishService } from '../../src/service/publish-service.js';
import { json, setup, topology, unreadFleet, valid } from './publish-route-fixtures.js';

describe('POST /v1/publish', () => {
  it('hides a publisher failure behind a 500 internal_error and hands it to onInternalError', async () => {
    const { app, internalErrors } = setup();
    const broken = createApp(
      publishService({
        fleet: unreadFleet,
        probeIntervalMs: 1_000,
        topology,
        publisher: { publish: () => Promise.reject(new Error('secret detail at /srv/x.ts:12')) },
        onInternalError: (error) => internalErrors.push(error),
      }),
    );
    const init = { method: 'POST', headers: { 'content-type': json }, body: JSON.stringify(valid) };

    const response = await broken.request('/v1/publish', init);

    expect(response.status).toBe(500);
    expect(await response.text()).toBe(
      '{"error":{"code":"internal_error","message":"internal error"}}',
    );
    expect(internalErrors).toHaveLength(1);
    expect((await app.request('/v1/publish', init)).status).toBe(200);
  });

  it('answers 500 rather than a partial report when the publisher loses results', async () => {
    const { app } = setup();
    const lossy = createApp(
      publishService({
        fleet: unreadFleet,
        probeIntervalMs: 1_000,
        topology,
        publisher: { publish: async () => [] },
      }),
    );

    const response = await lossy.request('/v1/publish', {
      method: 'POST',
      headers: { 'content-type': json },
      body: JSON.stringify(valid),
    });

    expect(response.status).toBe(500);
    expect(app).toBeDefined();
  });
});
