import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsBroker, type TlsBroker } from '../../../bench/support/tls-broker.js';
import { tlsBrokerFiles } from '../../../bench/support/tls-broker-files.js';
import { brokerFiles, SYNC_CREDENTIALS_COMMAND } from '../../../infra/broker/broker-files.js';
import { renderDefinitionFiles } from '../../../infra/broker/definitions.js';
import { renderRabbitmqConfig } from '../../../infra/broker/rabbitmq-config.js';
import { withCredentials } from '../../../src/core/amqp-endpoint.js';
import { brokerPaths } from '../../../src/fleet/broker-spec.js';
import { locateRabbitMq } from '../../../src/fleet/rabbitmq-install.js';
import { defaultTopology } from '../../../src/topology/load-topology.js';
import { PROBE_QUEUE } from '../../../src/topology/probe-queue.js';

const run = promisify(execFile);

let broker: TlsBroker;
beforeAll(async () => {
  broker = await startTlsBroker();
});
afterAll(async () => {
  await broker?.stop();
});

const amqpsUrl = (username = broker.username, password = broker.password) =>
  withCredentials(broker.amqpsUrl, username, password);

/** GET on the management API over HTTPS, trusting only the test CA. */
function management(
  path: string,
  auth = `${broker.username}:${broker.password}`,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, broker.managementUrl), { ca: [broker.caCertPem], auth });
    req.once('error', reject);
    req.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text || 'null') }),
      );
    });
    req.end();
  });
}

async function canConnect(url: string, options: Record<string, unknown>): Promise<void> {
  const connection = await connect(url, { timeout: 5_000, ...options });
  connection.on('error', () => undefined);
  await connection.close();
}

describe('an EC2 broker configuration on a real RabbitMQ node', () => {
  it('boots with the rendered rabbitmq.conf and definitions directory', async () => {
    const expected = renderRabbitmqConfig({
      amqpsPort: Number(new URL(broker.amqpsUrl).port),
      managementPort: Number(new URL(broker.managementUrl).port),
      tls: tlsBrokerFiles(broker.dir),
      definitionsDir: join(broker.dir, 'definitions.d'),
      bindAddress: '127.0.0.1',
      diskFreeLimitRelative: 0.1,
    });
    const configFile = brokerPaths(broker.dir).config;
    expect(await readFile(configFile, 'utf8')).toBe(expected);
    for (const { name, content } of renderDefinitionFiles(defaultTopology))
      expect(await readFile(join(broker.dir, 'definitions.d', name), 'utf8')).toBe(content);
    const status = JSON.parse(await broker.rabbitmqctl(['-q', 'status', '--formatter', 'json']));
    expect(status.config_files).toEqual([configFile]);
    expect(status.vm_memory_high_watermark_setting).toEqual({ relative: 0.6 });
    // disk_free_limit.relative is a multiple of RAM, like the watermark: 0.1 x RAM over 0.6 x RAM.
    expect(status.disk_free_limit / status.vm_memory_high_watermark_limit).toBeCloseTo(
      0.1 / 0.6,
      2,
    );
  });

  it('accepts AMQPS from a client that trusts the fleet CA, over TLS 1.3 and 1.2', async () => {
    await canConnect(amqpsUrl(), { ca: [broker.caCertPem] });
    await canConnect(amqpsUrl(), { ca: [broker.caCertPem], maxVersion: 'TLSv1.2' });
    const versions = await broker.rabbitmqctl([
      'eval',
      'lists:sort(proplists:get_value(versions, element(2, application:get_env(rabbit, ssl_options)))).',
    ]);
    expect(versions.trim()).toBe("['tlsv1.2','tlsv1.3']");
  });

  it('rejects a client that does not trust the fleet CA', async () => {
    await expect(canConnect(amqpsUrl(), {})).rejects.toThrow(/certificate/i);
  });

  it('has the topology queues, probe queue included, imported at boot from the definitions directory', async () => {
    const connection = await connect(amqpsUrl(), { ca: [broker.caCertPem] });
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      // checkQueue only looks: it fails (404) for a queue nobody declared.
      for (const queue of ['tasks', 'events.all', 'warren.dead-letter', PROBE_QUEUE]) {
        await expect(channel.checkQueue(queue)).resolves.toMatchObject({ queue });
      }
    } finally {
      await connection.close();
    }
    const { body } = await management(`/api/queues/%2F/${PROBE_QUEUE}`);
    expect(body).toMatchObject({
      durable: true,
      arguments: { 'x-max-length': 10, 'x-overflow': 'drop-head', 'x-message-ttl': 60_000 },
    });
  });

  it('listens for AMQP only over TLS and serves the management API only over HTTPS', async () => {
    const { status, body } = await management('/api/overview');
    expect(status).toBe(200);
    const listeners = (body as { listeners: { protocol: string; port: number }[] }).listeners;
    expect(listeners.map((listener) => listener.protocol).sort()).toEqual([
      'amqp/ssl',
      'clustering',
      'https',
    ]);
    expect(listeners.map((listener) => listener.port)).not.toContain(15672);
    expect(listeners.map((listener) => listener.port)).not.toContain(5672);
  });

  it('answers the local-alarms health check over HTTPS', async () => {
    const { status, body } = await management('/api/health/checks/local-alarms');
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok' });
  });
});

// Last: it deletes guest, the user the tests above connect as.
describe('warren-sync-credentials on a real RabbitMQ node', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warren-sync-credentials-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the installed script with `aws` answering `secret` and `rabbitmqctl` aimed at the test node. */
  async function sync(secret: { username: string; password: string }): Promise<string> {
    const file = brokerFiles({
      region: 'eu-west-1',
      rabbitmqVersion: '4.1.4',
      erlangMajor: 27,
      credentialsSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:creds',
      certificateIssuerUrl: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/',
      topology: defaultTopology,
      logGroupName: '/warren/brokers/b1',
    }).find((candidate) => candidate.path === SYNC_CREDENTIALS_COMMAND);
    const nodeName = (await broker.rabbitmqctl(['eval', 'node().'])).trim();
    const stubs: Record<string, string> = {
      'warren-sync-credentials': file?.content ?? 'exit 1',
      aws: `#!/bin/sh\ncat ${join(dir, 'secret.json')}\n`,
      rabbitmqctl: `#!/bin/sh\nHOME=${brokerPaths(broker.dir).home} RABBITMQ_CONF_ENV_FILE=/nonexistent exec ${locateRabbitMq(process.env).ctl} -n ${nodeName} "$@"\n`,
    };
    for (const [name, text] of Object.entries(stubs)) {
      await writeFile(join(dir, name), text);
      await chmod(join(dir, name), 0o755);
    }
    await writeFile(join(dir, 'secret.json'), JSON.stringify(secret));
    const env: NodeJS.ProcessEnv = { PATH: `${dir}:${process.env.PATH}` };
    const { stdout } = await run(join(dir, 'warren-sync-credentials'), [], { env });
    return stdout;
  }

  it('creates the user from the secret with monitoring rights and deletes guest', async () => {
    const stdout = await sync({ username: 'warren', password: 'first-Pa55' });
    expect(stdout).toContain('created warren');
    expect(stdout).not.toContain('first-Pa55');
    await canConnect(amqpsUrl('warren', 'first-Pa55'), { ca: [broker.caCertPem] });
    const alarms = await management('/api/health/checks/local-alarms', 'warren:first-Pa55');
    expect(alarms.status).toBe(200);
    const users = JSON.parse(await broker.rabbitmqctl(['-q', 'list_users', '--formatter', 'json']));
    expect(users).toEqual([{ user: 'warren', tags: ['monitoring'] }]);
  });

  it('applies a rotated password: the old one stops working, the new one works', async () => {
    const stdout = await sync({ username: 'warren', password: 'second-Pa55' });
    expect(stdout).toContain('set the password of warren');
    await expect(
      canConnect(amqpsUrl('warren', 'first-Pa55'), { ca: [broker.caCertPem] }),
    ).rejects.toThrow(/ACCESS_REFUSED|403/);
    await canConnect(amqpsUrl('warren', 'second-Pa55'), { ca: [broker.caCertPem] });
  });

  it('refuses a secret whose values are not URL-safe, changing nothing and printing neither', async () => {
    const refused = await sync({ username: 'warren', password: 'third"Pa55\\x' }).then(
      () => undefined,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('the secret needs URL-safe values');
    expect(`${refused?.stdout}${refused?.stderr}`).not.toContain('third');
    await canConnect(amqpsUrl('warren', 'second-Pa55'), { ca: [broker.caCertPem] });
  });
});
