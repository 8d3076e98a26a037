import { describe, expect, it } from 'vitest';
import type { AmqpCredentials } from '../../src/amqp/amqp-credentials.js';
import { createProberService } from '../../src/service/create-prober-service.js';
import { credentials } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';

describe('createProberService', () => {
  it('reads the credentials of a broker that refused them again, and the next round uses the new pair', async () => {
    const { registry } = await freshFleetRegistry();
    const stale: AmqpCredentials = { username: 'guest', password: 'rotated-away' };
    let current = stale;
    const refusedWith: AmqpCredentials[] = [];
    const prober = createProberService(
      { probeIntervalMs: 1_000, probeTimeoutMs: 1_000, probeRounds: 2 },
      {
        registry,
        credentialsFor: async (_target, refused) => {
          if (refused) {
            refusedWith.push(refused);
            // As after a rotation: the secret now holds the pair the brokers take.
            current = credentials;
          }
          return current;
        },
      },
    );

    const result = await prober.runInvocation({
      holder: 'test-rotation',
      remainingTimeMs: () => 60_000,
    });

    const [first, second] = result.rounds;
    expect(Object.values(first?.outcomes ?? {})).not.toHaveLength(0);
    for (const outcome of Object.values(first?.outcomes ?? {}))
      expect(outcome).toMatchObject({
        result: 'failed',
        stage: 'amqp',
        cause: 'credentials-refused',
      });
    // One read for the one refused pair, however many brokers refused it.
    expect(refusedWith).toEqual([stale]);
    for (const outcome of Object.values(second?.outcomes ?? {})) expect(outcome.result).toBe('ok');
  });

  it('fails an invocation whose readiness check throws, before probing anything', async () => {
    const { registry } = await freshFleetRegistry();
    let probed = 0;
    const prober = createProberService(
      {},
      {
        registry,
        credentialsFor: async () => {
          probed += 1;
          return credentials;
        },
        ready: () => Promise.reject(new Error('the secret cannot be read')),
      },
    );

    await expect(
      prober.runInvocation({ holder: 'test-ready', remainingTimeMs: () => 60_000 }),
    ).rejects.toThrow('the secret cannot be read');
    expect(probed).toBe(0);
  });
});
