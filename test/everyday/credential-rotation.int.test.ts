import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAmqpCredentialsSource } from '../../src/amqp/amqp-credentials.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { createPublishService } from '../../src/service/create-publish-service.js';
import { credentialsFromSource } from '../../src/service/credentials-for.js';
import { drainIds, purgeEverywhere } from '../support/amqp.js';
import { sustainedLoad } from '../support/load.js';
import {
  type LocalSecretsManager,
  startLocalSecretsManager,
} from '../support/local-secrets-manager.js';
import { brokerUrls, probe } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';

const run = promisify(execFile);
const brokers = inject('fleet').brokers;
const USER = 'rotator';

/** rabbitmqctl on one harness broker: the node's own HOME (cookie), never the /usr/sbin wrapper. */
async function rabbitmqctl(broker: (typeof brokers)[number], ...args: string[]): Promise<void> {
  const local = broker.local;
  if (!local) throw new Error(`${broker.id} is not a broker the harness started`);
  await run('/usr/lib/rabbitmq/bin/rabbitmqctl', ['-q', '-n', local.nodeName, ...args], {
    env: { ...process.env, HOME: local.home },
  });
}

/** The password change on one broker, then its connections closed so every client reconnects. */
async function changePassword(broker: (typeof brokers)[number], password: string): Promise<void> {
  await rabbitmqctl(broker, 'change_password', USER, password);
  await rabbitmqctl(broker, 'close_all_user_connections', USER, 'credential rotation');
}

let secrets: LocalSecretsManager;
beforeAll(async () => {
  for (const broker of brokers) {
    await rabbitmqctl(broker, 'add_user', USER, 'pw-0');
    await rabbitmqctl(broker, 'set_permissions', '-p', '/', USER, '.*', '.*', '.*');
  }
  secrets = await startLocalSecretsManager();
});
afterAll(async () => {
  for (const broker of brokers) await rabbitmqctl(broker, 'delete_user', USER);
  await secrets.close();
});

async function publishThroughRotation(
  rotate: (putSecret: (password: string) => void) => Promise<void>,
) {
  // Every scenario starts from the same password on every broker and in the secret.
  for (const broker of brokers) await rabbitmqctl(broker, 'change_password', USER, 'pw-0');
  const name = `warren-amqp-${Date.now()}`;
  const secretArn = secrets.putSecret(name, JSON.stringify({ username: USER, password: 'pw-0' }));
  const putSecret = (password: string) =>
    void secrets.putSecret(name, JSON.stringify({ username: USER, password }));
  const credentials = createAmqpCredentialsSource(
    { source: 'secret', secretArn, maxAgeMs: 300_000 },
    { secretsManager: secrets.client() },
  );
  await purgeEverywhere(
    brokerUrls().map((broker) => broker.url),
    'tasks',
  );
  const { registry } = await freshFleetRegistry();
  await runProbeRound({ registry, probe, refreshAfterMs: 0 });
  // The publish function's wiring: a refused login has the secret read again, once, for one retry.
  const service = createPublishService(
    { probeIntervalMs: 60_000, cacheTtlMs: 200 },
    { registry, credentialsFor: credentialsFromSource(credentials) },
  );
  // rabbitmqctl takes about a second a call (more on a loaded machine): the load
  // goes on for 3 s after the whole rotation, however long that took.
  let rotatedAt = Number.POSITIVE_INFINITY;
  try {
    const load = await sustainedLoad(service.publisher, {
      durationMs: 16_000,
      outlastDuringMs: 3_000,
      concurrency: 2,
      batchSize: 5,
      during: async () => {
        await rotate(putSecret);
        rotatedAt = Date.now();
      },
    });
    const endedAt = Date.now();
    const held = new Set([...(await drainIds(brokerUrls(), 'tasks')).values()].flat());
    return {
      load,
      lost: load.acceptedIds.filter((id) => !held.has(id)),
      msPublishedAfterRotation: endedAt - rotatedAt,
    };
  } finally {
    await service.close();
  }
}

describe('rotating the AMQP password under load (real rabbitmqctl change_password)', () => {
  it('keeps every request accepted in the runbook order: the secret first, then each broker', async () => {
    const { load, lost, msPublishedAfterRotation } = await publishThroughRotation(
      async (putSecret) => {
        putSecret('pw-1');
        for (const broker of brokers) await changePassword(broker, 'pw-1');
      },
    );

    console.log(
      `rotation, secret first: ${load.requests} requests, ${load.acceptedIds.length} accepted`,
    );
    expect(msPublishedAfterRotation).toBeGreaterThan(2_000);
    expect(load.failedRequests).toBe(0);
    expect(load.acceptedIds.length).toBeGreaterThan(0);
    expect(lost).toEqual([]);
  });

  it('keeps every request accepted when one broker changes before the secret does', async () => {
    const [first, ...rest] = brokers;
    if (!first) throw new Error('the harness has no brokers');
    const { load, lost, msPublishedAfterRotation } = await publishThroughRotation(
      async (putSecret) => {
        await changePassword(first, 'pw-2');
        putSecret('pw-2');
        for (const broker of rest) await changePassword(broker, 'pw-2');
      },
    );

    console.log(
      `rotation, one broker first: ${load.requests} requests, ${load.acceptedIds.length} accepted`,
    );
    expect(msPublishedAfterRotation).toBeGreaterThan(2_000);
    expect(load.failedRequests).toBe(0);
    expect(lost).toEqual([]);
  });
});
