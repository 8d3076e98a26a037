import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { ProberContext, ProberHandlerResult } from '../../functions/prober.js';
import { ENV } from '../../src/config.js';
import type { ProberInvocationResult } from '../../src/prober/prober-invocation.js';
import type { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { captureOutput, directives, writtenJson } from '../support/powertools-output.js';
import { freshFleetRegistry, stubRegistryEnv } from '../support/registry.js';

const _fleet = inject('fleet');
const scheduledEvent = {
  version: '0',
  id: 'c0ffee00-0000-4000-8000-000000000001',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-26T12:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/warren-prober'],
  detail: {},
};
const context = (awsRequestId: string): ProberContext => ({
  awsRequestId,
  getRemainingTimeInMillis: () => 60_000,
});

/** A fresh table listing the harness brokers, and the environment the prober stack would set. */
async function deployment(): Promise<DynamoDbHealthRegistry> {
  const { registry, tableName } = await freshFleetRegistry();
  stubRegistryEnv(tableName);
  vi.stubEnv(ENV.amqpUsername, 'guest');
  vi.stubEnv(ENV.amqpPassword, 'guest');
  vi.stubEnv(ENV.probeRounds, '2');
  vi.stubEnv(ENV.probeIntervalMs, '500');
  return registry;
}

/** The module reads its environment once, at import: each test imports it afresh. */
async function importHandler() {
  vi.resetModules();
  return (await import('../../functions/prober.js')).handler;
}

const metricNames = (record: Record<string, unknown>): string[] =>
  directives(record).flatMap((directive) => directive.Metrics.map((metric) => metric.Name));

beforeEach(captureOutput);
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('functions/prober handler', () => {
  it('runs the configured rounds, finds the fleet healthy, releases the lease and emits EMF metrics', async () => {
    const registry = await deployment();
    const handler = await importHandler();

    const result = (await handler(scheduledEvent, context('req-1'))) as ProberInvocationResult;

    expect(result).toMatchObject({ leaseHeldElsewhere: false, stoppedEarly: false });
    expect(result.rounds).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    const { nodes } = await registry.listNodes();
    expect(nodes.map((node) => node.health.state)).toEqual(['healthy', 'healthy', 'healthy']);
    const lease = await registry.readLease();
    expect(lease?.holder).toBe('warren-prober:req-1');
    expect(Date.parse(lease?.expiresAt ?? '')).toBeLessThanOrEqual(Date.now());

    const records = writtenJson();
    const emf = records.filter((record) => '_aws' in record);
    expect(emf.every((record) => record.service === 'warren-prober')).toBe(true);
    const latencyNodes = emf
      .filter((record) => metricNames(record).includes('ProbeLatency'))
      .map((record) => record.NodeId as string);
    expect(latencyNodes.sort()).toEqual(['b1', 'b1', 'b2', 'b2', 'b3', 'b3']);
    const invocation = emf.find((record) => metricNames(record).includes('LeaseHeldElsewhere'));
    expect(invocation).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Warren' }] },
      EligibleBrokers: [3, 3],
      ProbeRounds: 2,
      LeaseHeldElsewhere: 0,
    });
    const messages = records.map((record) => record.message);
    expect(messages.filter((message) => message === 'probe round')).toHaveLength(2);
    expect(messages).toContain('probe invocation');
    expect(JSON.stringify(records)).not.toContain('guest:guest');
  });

  it('returns at once, probing nothing, while another prober holds the lease', async () => {
    const registry = await deployment();
    await registry.acquireLease('warren-prober:other', new Date(), 60_000);
    const handler = await importHandler();

    const result = await handler({}, context('req-2'));

    expect(result).toEqual({ rounds: [], leaseHeldElsewhere: true, stoppedEarly: false });
    expect((await registry.listNodes()).nodes.map((node) => node.health.state)).toEqual([
      'initial',
      'initial',
      'initial',
    ]);
    expect((await registry.readLease())?.holder).toBe('warren-prober:other');
  });

  it.each([
    ['a string', 'run now'],
    ['an array', [scheduledEvent]],
    ['an event with a numeric id', { ...scheduledEvent, id: 42 }],
  ])('answers %s with an error object instead of a stack', async (_case, event) => {
    await deployment();
    const handler = await importHandler();

    const result: ProberHandlerResult = await handler(event, context('req-3'));

    expect(result).toEqual({
      error: 'malformed event: expected an EventBridge scheduled event or {}',
    });
  });

  it('answers every invocation with a ConfigError message naming the credential variables when none are set', async () => {
    await deployment();
    vi.stubEnv(ENV.amqpUsername, undefined);
    vi.stubEnv(ENV.amqpPassword, undefined);
    vi.stubEnv(ENV.amqpSecretArn, undefined);
    const handler = await importHandler();

    const result = await handler(scheduledEvent, context('req-4'));

    expect(result).toEqual({ error: expect.stringMatching(/^invalid configuration: /) });
    const { error } = result as { error: string };
    for (const name of [ENV.amqpSecretArn, ENV.amqpUsername, ENV.amqpPassword])
      expect(error).toContain(name);
    expect(error).not.toMatch(/\n\s+at /);
    const logged = writtenJson().find((record) => record.level === 'ERROR');
    expect(logged?.message).toBe(error);
  });
});
