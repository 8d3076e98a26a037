import { describe, expect, it } from 'vitest';
import { ConfigError, ENV, readPublishConfig } from '../src/config.js';
import { DEFAULT_PUBLISH_LIMITS } from '../src/service/publish-limits.js';
import { defaultTopology } from '../src/topology/load-topology.js';
import { issueTestCa, issueTestServerCertificate } from './amqp/test-certificates.js';

const credentials = { [ENV.amqpUsername]: 'guest', [ENV.amqpPassword]: 'guest' };

describe('publish configuration', () => {
  it('default to 500 messages, 256 KiB per message and 5 MiB per request', () => {
    expect(DEFAULT_PUBLISH_LIMITS).toEqual({
      maxMessages: 500,
      maxMessageBytes: 262_144,
      maxRequestBytes: 5_242_880,
    });
    expect(readPublishConfig(credentials)).toEqual({
      registryTableName: 'warren-registry',
      registrySnapshotCopies: 4,
      amqpCredentials: { source: 'env', username: 'guest', password: 'guest' },
      settings: {
        probeIntervalMs: 15_000,
        replicas: 1,
        subsetSize: 6,
        limits: DEFAULT_PUBLISH_LIMITS,
        topology: defaultTopology,
      },
    });
  });

  it('are read from the environment, a blank variable keeping its default', () => {
    const env = {
      ...credentials,
      [ENV.maxMessages]: '100',
      [ENV.maxMessageBytes]: '',
      [ENV.maxRequestBytes]: '1048576',
    };

    expect(readPublishConfig(env).settings.limits).toEqual({
      maxMessages: 100,
      maxMessageBytes: 262_144,
      maxRequestBytes: 1_048_576,
    });
  });

  it.each([
    [ENV.maxMessages, '0'],
    [ENV.maxMessages, 'many'],
    [ENV.maxMessages, '10001'],
    [ENV.maxMessageBytes, '1.5'],
    [ENV.maxMessageBytes, '100'],
    [ENV.maxMessageBytes, String(16 * 1024 * 1024 + 1)],
    [ENV.maxRequestBytes, '-1'],
    [ENV.maxRequestBytes, String(64 * 1024 * 1024 + 1)],
    [ENV.replicas, '0'],
    [ENV.replicas, '4'],
    [ENV.replicas, 'two'],
    [ENV.subsetSize, '-1'],
    [ENV.subsetSize, '2.5'],
    [ENV.subsetSize, 'six'],
    [ENV.subsetSize, '10001'],
  ])('refuse %s=%j with a ConfigError naming the variable', (name, value) => {
    expect(() => readPublishConfig({ ...credentials, [name]: value })).toThrow(ConfigError);
    expect(() => readPublishConfig({ ...credentials, [name]: value })).toThrow(name);
  });

  it('read the default replicas from WARREN_REPLICAS', () => {
    expect(readPublishConfig({ ...credentials, [ENV.replicas]: '2' }).settings.replicas).toBe(2);
    expect(readPublishConfig({ ...credentials, [ENV.replicas]: '' }).settings.replicas).toBe(1);
  });

  it('read the broker subset size from WARREN_SUBSET_SIZE, 0 turning it off', () => {
    const subsetSize = (value: string) =>
      readPublishConfig({ ...credentials, [ENV.subsetSize]: value }).settings.subsetSize;

    expect(subsetSize('3')).toBe(3);
    expect(subsetSize('0')).toBe(0);
    expect(subsetSize('')).toBe(6);
  });

  it('carry the AMQP secret and how long a read of it is kept', () => {
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warren-amqp-AbCdEf';
    const env = { [ENV.amqpSecretArn]: secretArn, [ENV.amqpSecretMaxAgeMs]: '120000' };

    expect(readPublishConfig(env).amqpCredentials).toEqual({
      source: 'secret',
      secretArn,
      maxAgeMs: 120_000,
    });
    expect(() => readPublishConfig({ ...env, [ENV.amqpSecretMaxAgeMs]: '0' })).toThrow(
      ENV.amqpSecretMaxAgeMs,
    );
  });

  it('reads the topology from WARREN_TOPOLOGY', () => {
    const topology = { queues: [{ name: 'orders', durable: true }] };
    const config = readPublishConfig({ ...credentials, [ENV.topology]: JSON.stringify(topology) });
    expect(config.settings.topology.queues.map((queue) => queue.name)).toEqual(['orders']);
  });

  it.each([
    ['not JSON', '{"queues": ['],
    ['an invalid topology', '{"queues": [{"name": "q", "durable": false}]}'],
  ])('refuses WARREN_TOPOLOGY that is %s', (_, text) => {
    expect(() => readPublishConfig({ ...credentials, [ENV.topology]: text })).toThrow(ENV.topology);
  });

  it("hand the brokers' CA certificate to the publisher, and leave it out when blank", () => {
    const ca = issueTestCa();
    const config = readPublishConfig({ ...credentials, [ENV.amqpCaCert]: ca.certPem });
    expect(config.settings.caCertPem?.trim()).toBe(ca.certPem.trim());
    expect(readPublishConfig({ ...credentials, [ENV.amqpCaCert]: '' }).settings).not.toHaveProperty(
      'caCertPem',
    );
  });

  it('refuse a WARREN_AMQP_CA_CERT that is not a CA certificate, without quoting it', () => {
    const server = issueTestServerCertificate(issueTestCa());
    const attempt = () => readPublishConfig({ ...credentials, [ENV.amqpCaCert]: server.certPem });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`${ENV.amqpCaCert}: the certificate is not a CA certificate`);
    expect(attempt).not.toThrow(/BEGIN CERTIFICATE/);
  });

  it('needs AMQP credentials, naming the variables to set', () => {
    expect(() => readPublishConfig({})).toThrow(ENV.amqpSecretArn);
  });
});
