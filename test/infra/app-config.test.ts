import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  APP_CONTEXT_KEYS,
  APP_DEFAULTS,
  AppConfigError,
  readAppConfig,
} from '../../infra/app-config.js';
import { defaultTopology } from '../../src/topology/load-topology.js';

const read = (context: Record<string, unknown> = {}) => readAppConfig(new App({ context }).node);

describe('readAppConfig', () => {
  it('defaults to three m7i.large brokers on RabbitMQ 4.1 with Erlang 27 and the default topology', () => {
    expect(read()).toEqual({
      brokerCount: 3,
      brokerInstanceType: 'm7i.large',
      brokerDataVolumeGiB: 50,
      rabbitmqVersion: '4.1.4',
      erlangMajor: 27,
      natGateways: 1,
      replicas: 1,
      subsetSize: 6,
      registrySnapshotCopies: 4,
      publishers: [],
      topology: defaultTopology,
    });
    expect(APP_DEFAULTS.brokerCount).toBe(3);
  });

  it('coerces the strings that `cdk -c key=value` passes', () => {
    const config = read({
      [APP_CONTEXT_KEYS.brokerCount]: '5',
      [APP_CONTEXT_KEYS.erlangMajor]: '26',
      [APP_CONTEXT_KEYS.publishers]: 'arn:aws:iam::123456789012:role/orders, 210987654321',
    });
    expect(config.brokerCount).toBe(5);
    expect(config.erlangMajor).toBe(26);
    expect(config.publishers).toEqual(['arn:aws:iam::123456789012:role/orders', '210987654321']);
  });

  it('takes publishers as a JSON list from cdk.json', () => {
    const publishers = ['arn:aws:iam::123456789012:role/billing/invoicer'];
    expect(read({ [APP_CONTEXT_KEYS.publishers]: publishers }).publishers).toEqual(publishers);
  });

  it('reads the topology from the file named in context', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warren-topology-'));
    const file = join(dir, 'topology.json');
    await writeFile(file, JSON.stringify({ queues: [{ name: 'orders' }] }));
    const config = read({ [APP_CONTEXT_KEYS.topologyFile]: file });
    expect(config.topology.queues.map((queue) => queue.name)).toEqual(['orders']);
  });

  it.each([
    ['a broker count of 0', APP_CONTEXT_KEYS.brokerCount, 0],
    ['a fractional broker count', APP_CONTEXT_KEYS.brokerCount, '2.5'],
    ['an arm64 instance type', APP_CONTEXT_KEYS.brokerInstanceType, 'm7g.large'],
    ['a malformed instance type', APP_CONTEXT_KEYS.brokerInstanceType, 'large'],
    ['a RabbitMQ 3.x version', APP_CONTEXT_KEYS.rabbitmqVersion, '3.13.7'],
    ['a version that could inject shell', APP_CONTEXT_KEYS.rabbitmqVersion, '4.1.4; reboot'],
    ['an empty table name', APP_CONTEXT_KEYS.registryTableName, ''],
    ['a numeric table name', APP_CONTEXT_KEYS.registryTableName, 42],
    ['a wildcard publisher', APP_CONTEXT_KEYS.publishers, '*'],
    ['four NAT gateways', APP_CONTEXT_KEYS.natGateways, 4],
    ['four replicas', APP_CONTEXT_KEYS.replicas, 4],
    ['zero replicas', APP_CONTEXT_KEYS.replicas, '0'],
    ['a negative subset size', APP_CONTEXT_KEYS.subsetSize, '-1'],
    ['a fractional subset size', APP_CONTEXT_KEYS.subsetSize, 2.5],
    ['no snapshot copies', APP_CONTEXT_KEYS.registrySnapshotCopies, '0'],
    ['17 snapshot copies', APP_CONTEXT_KEYS.registrySnapshotCopies, 17],
  ])('rejects %s, naming the context key', (_label, key, value) => {
    expect(() => read({ [key]: value })).toThrow(AppConfigError);
    expect(() => read({ [key]: value })).toThrow(key);
  });

  it('reads the fleet snapshot copies', () => {
    expect(read({ [APP_CONTEXT_KEYS.registrySnapshotCopies]: '8' }).registrySnapshotCopies).toBe(8);
  });

  it('reads the subset size, 0 turning subsetting off', () => {
    expect(read({ [APP_CONTEXT_KEYS.subsetSize]: '0' }).subsetSize).toBe(0);
    expect(read({ [APP_CONTEXT_KEYS.subsetSize]: 10 }).subsetSize).toBe(10);
  });

  it('rejects more replicas than brokers', () => {
    expect(read({ [APP_CONTEXT_KEYS.replicas]: '2' }).replicas).toBe(2);
    expect(() =>
      read({ [APP_CONTEXT_KEYS.replicas]: 3, [APP_CONTEXT_KEYS.brokerCount]: 2 }),
    ).toThrow(/'warren:replicas' 3 needs at least as many brokers/);
  });

  it('rejects an Erlang version the chosen RabbitMQ does not run on', () => {
    expect(() =>
      read({ [APP_CONTEXT_KEYS.rabbitmqVersion]: '4.1.4', [APP_CONTEXT_KEYS.erlangMajor]: 25 }),
    ).toThrow(/erlangMajor/);
    expect(() =>
      read({ [APP_CONTEXT_KEYS.rabbitmqVersion]: '4.2.1', [APP_CONTEXT_KEYS.erlangMajor]: 26 }),
    ).toThrow('does not run RabbitMQ 4.2');
  });

  it('rejects a topology file that is missing or invalid', async () => {
    expect(() => read({ [APP_CONTEXT_KEYS.topologyFile]: '/nonexistent/topology.json' })).toThrow(
      APP_CONTEXT_KEYS.topologyFile,
    );
    const dir = await mkdtemp(join(tmpdir(), 'warren-topology-'));
    const file = join(dir, 'topology.json');
    await writeFile(file, JSON.stringify({ queues: [{ name: 'amq.reserved' }] }));
    expect(() => read({ [APP_CONTEXT_KEYS.topologyFile]: file })).toThrow('reserved');
  });
});
