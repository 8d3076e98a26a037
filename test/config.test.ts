import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ENV,
  readAmqpCaCertConfig,
  readConfig,
  readProberConfig,
} from '../src/config.js';
import { issueTestCa, issueTestServerCertificate } from './amqp/test-certificates.js';

describe('readConfig', () => {
  it('defaults the table name and the probe interval', () => {
    expect(readConfig({})).toEqual({
      registryTableName: 'warren-registry',
      registrySnapshotCopies: 4,
      probeIntervalMs: 15_000,
    });
  });

  it('reads the variables the CDK stacks set', () => {
    const env = {
      [ENV.registryTable]: 'warren-registry-staging',
      [ENV.probeIntervalMs]: '2000',
      [ENV.registrySnapshotCopies]: '2',
    };
    expect(readConfig(env)).toEqual({
      registryTableName: 'warren-registry-staging',
      registrySnapshotCopies: 2,
      probeIntervalMs: 2_000,
    });
  });

  it.each([
    [ENV.registryTable, 'no spaces allowed'],
    [ENV.registryTable, 'ab'],
    [ENV.probeIntervalMs, 'soon'],
    [ENV.registrySnapshotCopies, '0'],
    [ENV.registrySnapshotCopies, '17'],
    [ENV.registrySnapshotCopies, '1.5'],
    [ENV.probeIntervalMs, '1.5'],
    [ENV.probeIntervalMs, '50'],
  ])('rejects %s=%j with a ConfigError naming the variable', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(name);
  });
});

describe('readProberConfig', () => {
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warren-amqp-AbCdEf';
  const pair = { [ENV.amqpUsername]: 'warren', [ENV.amqpPassword]: 'hunter2' };
  const problemWith = (env: NodeJS.ProcessEnv): string => {
    try {
      readProberConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('defaults to 4 rounds and the per-stage probe timeouts, with credentials from the pair', () => {
    expect(readProberConfig(pair)).toEqual({
      registryTableName: 'warren-registry',
      registrySnapshotCopies: 4,
      amqpCredentials: { source: 'env', username: 'warren', password: 'hunter2' },
      settings: { probeIntervalMs: 15_000, probeRounds: 4 },
    });
  });

  it('reads rounds, a probe timeout and a secret ARN', () => {
    const env = {
      [ENV.probeRounds]: '2',
      [ENV.probeTimeoutMs]: '1500',
      [ENV.amqpSecretArn]: SECRET_ARN,
    };
    expect(readProberConfig(env)).toMatchObject({
      settings: { probeRounds: 2, probeTimeoutMs: 1_500 },
      amqpCredentials: { source: 'secret', secretArn: SECRET_ARN, maxAgeMs: 300_000 },
    });
  });

  it('reads the probes in flight and the health writes a second, leaving them to the service when unset', () => {
    const env = { ...pair, [ENV.probeConcurrency]: '100', [ENV.healthWritesPerSecond]: '' };
    expect(readProberConfig(env).settings).toMatchObject({ probeConcurrency: 100 });
    expect(readProberConfig(env).settings).not.toHaveProperty('healthWritesPerSecond');
  });

  it('reads how long a read secret is kept from WARREN_AMQP_SECRET_MAX_AGE_MS, blank keeping 5 minutes', () => {
    const secret = { [ENV.amqpSecretArn]: SECRET_ARN };
    const maxAgeOf = (value: string) => {
      const { amqpCredentials } = readProberConfig({ ...secret, [ENV.amqpSecretMaxAgeMs]: value });
      return amqpCredentials.source === 'secret' ? amqpCredentials.maxAgeMs : undefined;
    };

    expect(maxAgeOf('60000')).toBe(60_000);
    expect(maxAgeOf('')).toBe(300_000);
  });

  it.each(['soon', '999', '1500', '3601000', '-5000'])(
    'rejects WARREN_AMQP_SECRET_MAX_AGE_MS=%j with the ARN variable problems alongside',
    (value) => {
      const message = problemWith({
        [ENV.amqpSecretArn]: 'warren-amqp',
        [ENV.amqpSecretMaxAgeMs]: value,
      });
      expect(message).toContain(`${ENV.amqpSecretMaxAgeMs}:`);
      expect(message).toContain(`${ENV.amqpSecretArn}: must be a Secrets Manager secret ARN`);
    },
  );

  it('treats variables set to the empty string as unset', () => {
    const env = { ...pair, [ENV.probeTimeoutMs]: '', [ENV.amqpSecretArn]: '' };
    expect(readProberConfig(env).settings).not.toHaveProperty('probeTimeoutMs');
    expect(readProberConfig(env).amqpCredentials.source).toBe('env');
  });

  it.each([
    [{ [ENV.probeRounds]: '0' }, ENV.probeRounds],
    [{ [ENV.probeRounds]: '11' }, ENV.probeRounds],
    [{ [ENV.probeRounds]: 'four' }, ENV.probeRounds],
    [{ [ENV.probeTimeoutMs]: '50' }, ENV.probeTimeoutMs],
    [{ [ENV.probeTimeoutMs]: '60000' }, ENV.probeTimeoutMs],
    [{ [ENV.probeIntervalMs]: 'soon' }, ENV.probeIntervalMs],
    [{ [ENV.probeConcurrency]: '0' }, ENV.probeConcurrency],
    [{ [ENV.healthWritesPerSecond]: '1001' }, ENV.healthWritesPerSecond],
  ])('rejects %j with a ConfigError naming %s', (env, name) => {
    expect(problemWith({ ...pair, ...env })).toContain(`${name}:`);
  });

  it.each([
    ['nothing', {}, [ENV.amqpSecretArn, ENV.amqpUsername, ENV.amqpPassword]],
    ['only a username', { [ENV.amqpUsername]: 'warren' }, [ENV.amqpPassword]],
    ['only a password', { [ENV.amqpPassword]: 'hunter2' }, [ENV.amqpUsername]],
    ['a secret name, not an ARN', { [ENV.amqpSecretArn]: 'warren-amqp' }, [ENV.amqpSecretArn]],
    ['both a secret and a pair', { ...pair, [ENV.amqpSecretArn]: SECRET_ARN }, [ENV.amqpSecretArn]],
  ])('rejects credentials given as %s, naming the variables to set', (_case, env, names) => {
    const message = problemWith(env);
    for (const name of names) expect(message).toContain(name);
  });

  it('names every bad variable in one error and never repeats a credential', () => {
    const message = problemWith({
      [ENV.probeRounds]: '0',
      [ENV.registryTable]: 'ab',
      [ENV.amqpPassword]: 'hunter2',
    });
    expect(message).toContain(`${ENV.probeRounds}:`);
    expect(message).toContain(`${ENV.registryTable}:`);
    expect(message).toContain(`${ENV.amqpUsername}:`);
    expect(message).not.toContain('hunter2');
  });
});

describe("the brokers' CA certificate (WARREN_AMQP_CA_CERT)", () => {
  const pair = { [ENV.amqpUsername]: 'warren', [ENV.amqpPassword]: 'hunter2' };
  const ca = issueTestCa();
  const server = issueTestServerCertificate(ca);
  const problemWith = (pem: string): string => {
    try {
      readProberConfig({ ...pair, [ENV.amqpCaCert]: pem });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('is handed to the prober as PEM when it is a CA certificate', () => {
    const config = readProberConfig({ ...pair, [ENV.amqpCaCert]: ca.certPem });
    expect(config.settings.caCertPem?.trim()).toBe(ca.certPem.trim());
    expect(readAmqpCaCertConfig({ [ENV.amqpCaCert]: ca.certPem })).toBe(config.settings.caCertPem);
  });

  it.each([
    ['unset', undefined],
    ['blank', ''],
    ['only white space', ' \n'],
  ])('is left out when %s', (_case, value) => {
    const config = readProberConfig({ ...pair, [ENV.amqpCaCert]: value });
    expect(config.settings).not.toHaveProperty('caCertPem');
    expect(readAmqpCaCertConfig({ [ENV.amqpCaCert]: value })).toBeUndefined();
  });

  it.each([
    ['not PEM', 'fleet-ca.pem', 'must be a PEM certificate'],
    [
      'an unparsable certificate',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      'cannot be parsed',
    ],
    ["a broker's certificate, not a CA", server.certPem, 'is not a CA certificate'],
  ])('is refused when %s, naming the variable and never quoting it', (_case, pem, problem) => {
    const message = problemWith(pem);
    expect(message).toContain(`${ENV.amqpCaCert}: `);
    expect(message).toContain(problem);
    expect(message).not.toContain(pem);
    expect(() => readAmqpCaCertConfig({ [ENV.amqpCaCert]: pem })).toThrow(ConfigError);
  });

  it('is reported together with the other bad variables', () => {
    expect(() =>
      readProberConfig({ [ENV.probeRounds]: '0', [ENV.amqpCaCert]: server.certPem }),
    ).toThrow(new RegExp(`${ENV.probeRounds}:.*${ENV.amqpSecretArn}.*${ENV.amqpCaCert}:`));
  });
});
