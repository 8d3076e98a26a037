import { describe, expect, it } from 'vitest';
import { ConfigError, ENV, readConfig } from '../src/config.js';

describe('readConfig', () => {
  it('defaults the table name and the probe interval', () => {
    expect(readConfig({})).toEqual({
      registryTableName: 'warren-registry',
      probeIntervalMs: 15_000,
    });
  });

  it('reads the variables the CDK stacks set', () => {
    const env = { [ENV.registryTable]: 'warren-registry-staging', [ENV.probeIntervalMs]: '2000' };
    expect(readConfig(env)).toEqual({
      registryTableName: 'warren-registry-staging',
      probeIntervalMs: 2_000,
    });
  });

  it.each([
    [ENV.registryTable, 'no spaces allowed'],
    [ENV.registryTable, 'ab'],
    [ENV.probeIntervalMs, 'soon'],
    [ENV.probeIntervalMs, '1.5'],
    [ENV.probeIntervalMs, '50'],
  ])('rejects %s=%j with a ConfigError naming the variable', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(name);
  });
});
