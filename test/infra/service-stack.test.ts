import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { APP_CONTEXT_KEYS } from '../../infra/app-config.js';
import { STACK_IDS } from '../../infra/build-app.js';
import {
  OUTLIER_ATTRIBUTE,
  PROBER_SCHEDULE,
  TOPOLOGY_ENV_BUDGET_BYTES,
} from '../../infra/service-stack.js';
import { ENV } from '../../src/config.js';
import { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import type { HealthRegistry } from '../../src/registry/health-registry.js';
import { PUBLISH_METRICS } from '../../src/service/publish-metrics.js';
import { buildTestApp, stackTemplate } from './cdk-context.js';

const PUBLISHER_ROLE = 'arn:aws:iam::123456789012:role/orders-service';
const template = stackTemplate(
  buildTestApp({
    [APP_CONTEXT_KEYS.publishers]: [PUBLISHER_ROLE],
    [APP_CONTEXT_KEYS.replicas]: 2,
    [APP_CONTEXT_KEYS.subsetSize]: 4,
    [APP_CONTEXT_KEYS.registrySnapshotCopies]: 3,
  }),
  STACK_IDS.service,
);

function functionNamed(description: RegExp) {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, fn]) =>
    description.test(fn.Properties.Description ?? ''),
  );
  if (!found) throw new Error(`no function described ${description}`);
  const [logicalId, resource] = found;
  return { logicalId, properties: resource.Properties };
}

/** Every statement of the inline policies attached to the function's role. */
function policyStatements(functionLogicalId: string): Record<string, unknown>[] {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId];
  const roleId: string = fn?.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The DynamoDB request (target and JSON body) a registry call sends, with an empty answer. */
async function requestOf(
  call: (registry: HealthRegistry) => Promise<unknown>,
): Promise<{ target: string; body: Record<string, unknown> }> {
  let seen: { target: string; body: Record<string, unknown> } | undefined;
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
        // The first request: an operator's change sends the item write before its snapshot republish.
        seen ??= {
          target: request.headers['x-amz-target'] ?? '',
          body: JSON.parse(String(request.body)),
        };
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from('{}')]),
          },
        };
      },
    },
  });
  const registry = new DynamoDbHealthRegistry({
    client: DynamoDBDocumentClient.from(client),
    tableName: 'warren-registry',
  });
  await call(registry).catch(() => undefined);
  if (!seen) throw new Error('the call sent no request');
  return seen;
}

/**
 * Whether `statement` allows an UpdateItem request, with the condition keys
 * DynamoDB puts in the request context: the partition key value
 * (`dynamodb:LeadingKeys`), every attribute the request names in its key and
 * expressions (`dynamodb:Attributes`), and `ReturnValues` (NONE when absent).
 */
function allowsUpdate(statement: Record<string, unknown>, body: Record<string, unknown>): boolean {
  const key = body.Key as Record<string, { S?: string }>;
  const context: Record<string, string[]> = {
    'dynamodb:LeadingKeys': [key.pk?.S ?? ''],
    'dynamodb:Attributes': [
      ...new Set([
        ...Object.keys(key),
        ...Object.values((body.ExpressionAttributeNames ?? {}) as Record<string, string>),
      ]),
    ],
    'dynamodb:ReturnValues': [String(body.ReturnValues ?? 'NONE')],
  };
  if (![statement.Action].flat().includes('dynamodb:UpdateItem')) return false;
  const conditions = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(conditions).every(([operator, keys]) =>
    Object.entries(keys).every(([name, allowed]) => {
      const values = context[name];
      const permitted = [allowed].flat().map(String);
      if (!values) throw new Error(`no request value for condition key ${name}`);
      if (operator === 'ForAllValues:StringEquals')
        return values.every((v) => permitted.includes(v));
      if (operator === 'StringEquals')
        return values.length === 1 && permitted.includes(values[0] ?? '');
      throw new Error(`the test does not evaluate ${operator}`);
    }),
  );
}

describe('ServiceStack', () => {
  const publish = functionNamed(/^warren: publishes/);
  const prober = functionNamed(/^warren: probes/);

  it.each([
    ['publish', publish],
    ['prober', prober],
  ])('runs the %s function on Node.js 22, arm64, inside the VPC', (_name, fn) => {
    expect(fn.properties.Runtime).toBe('nodejs22.x');
    expect(fn.properties.Architectures).toEqual(['arm64']);
    expect(fn.properties.VpcConfig.SubnetIds).toHaveLength(3);
    expect(fn.properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
  });

  it('configures the functions through the variable names src/config.ts reads', () => {
    const publishEnv = Object.keys(publish.properties.Environment.Variables);
    expect(publishEnv).toEqual(
      expect.arrayContaining([
        ENV.registryTable,
        ENV.probeIntervalMs,
        ENV.amqpSecretArn,
        ENV.amqpCaCert,
        ENV.topology,
      ]),
    );
    expect(Object.keys(prober.properties.Environment.Variables)).toEqual(
      expect.arrayContaining([
        ENV.registryTable,
        ENV.probeRounds,
        ENV.amqpSecretArn,
        ENV.amqpCaCert,
      ]),
    );
    const known = new Set<string>([...Object.values(ENV), 'NODE_OPTIONS']);
    for (const name of [...publishEnv, ...Object.keys(prober.properties.Environment.Variables)]) {
      expect(known.has(name) || name.startsWith('AWS_')).toBe(true);
    }
  });

  it('passes the default replicas from CDK context to the publish function', () => {
    expect(publish.properties.Environment.Variables[ENV.replicas]).toBe('2');
  });

  it('passes the broker subset size from CDK context to the publish function', () => {
    expect(publish.properties.Environment.Variables[ENV.subsetSize]).toBe('4');
  });

  it('gives both functions the fleet snapshot copies from CDK context', () => {
    expect(publish.properties.Environment.Variables[ENV.registrySnapshotCopies]).toBe('3');
    expect(prober.properties.Environment.Variables[ENV.registrySnapshotCopies]).toBe('3');
  });

  it('passes the topology the brokers load to the publish function', () => {
    const topology = JSON.parse(publish.properties.Environment.Variables[ENV.topology]);
    expect(topology.queues.map((queue: { name: string }) => queue.name)).toContain('tasks');
  });

  it('refuses, at synthesis, a topology too large for the function environment', () => {
    const queues = Array.from({ length: 30 }, (_, index) => ({ name: `queue-${index}` }));
    const file = join(mkdtempSync(join(tmpdir(), 'warren-topology-')), 'topology.json');
    writeFileSync(file, JSON.stringify({ queues }));
    expect(() =>
      stackTemplate(buildTestApp({ [APP_CONTEXT_KEYS.topologyFile]: file }), STACK_IDS.service),
    ).toThrow(`over the ${TOPOLOGY_ENV_BUDGET_BYTES} bytes`);
  });

  it('exposes the publish function through a function URL that requires IAM auth', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
  });

  it('lets the configured callers invoke it directly and through the URL', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: PUBLISHER_ROLE,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: PUBLISHER_ROLE,
      FunctionUrlAuthType: 'AWS_IAM',
    });
    const principals = Object.values(template.findResources('AWS::Lambda::Permission')).map(
      (permission) => permission.Properties.Principal,
    );
    expect(principals).not.toContain('*');
  });

  it('runs the prober every minute, one at a time, with a timeout covering its rounds', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    expect(prober.properties.ReservedConcurrentExecutions).toBe(1);
    const roundsSpanS =
      ((PROBER_SCHEDULE.probeRounds - 1) * PROBER_SCHEDULE.probeIntervalMs) / 1_000;
    expect(prober.properties.Timeout).toBeGreaterThan(roundsSpanS + 15);
    expect(prober.properties.Timeout).toBeLessThan(15 * 60);
  });

  it.each([
    ['publish', publish, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']],
    ['prober', prober, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']],
  ])('grants the %s function only its table calls and the credentials secret', (_n, fn, dynamo) => {
    const statements = policyStatements(fn.logicalId);
    const actions = statements.flatMap((statement) => [statement.Action].flat() as string[]);
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual(dynamo);
    expect(actions.filter((action) => action.startsWith('secretsmanager:')).sort()).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    for (const statement of statements) expect(statement.Resource).not.toBe('*');
  });

  it('lets the publish function read the snapshot copies, query broker items only, and update only their outlier report', () => {
    const dynamo = policyStatements(publish.logicalId).filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('dynamodb:')),
    );
    expect(dynamo).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': ['snapshot#0', 'snapshot#1', 'snapshot#2'],
          },
        },
      }),
      expect.objectContaining({
        Action: 'dynamodb:Query',
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['node'] } },
      }),
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': ['node'],
            'dynamodb:Attributes': ['pk', 'sk', OUTLIER_ATTRIBUTE],
          },
          StringEquals: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] },
        },
      }),
    ]);
    for (const statement of dynamo) {
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/');
    }
  });

  it('lets the publish function GetItem exactly the snapshot copy the reader reads, and no other item', async () => {
    const [snapshotRead] = policyStatements(publish.logicalId).filter((statement) =>
      [statement.Action].flat().includes('dynamodb:GetItem'),
    );
    if (!snapshotRead) throw new Error('no GetItem statement');
    const conditions = snapshotRead.Condition as Record<string, Record<string, string[]>>;
    const leadingKeys = conditions['ForAllValues:StringEquals']?.['dynamodb:LeadingKeys'];

    const read = await requestOf((registry) => registry.snapshots?.read(2) ?? Promise.resolve());
    const lease = await requestOf((registry) => registry.readLease());

    expect(read.target).toBe('DynamoDB_20120810.GetItem');
    const pk = (body: Record<string, unknown>) =>
      (body.Key as Record<string, { S?: string }>).pk?.S ?? '';
    expect(leadingKeys).toContain(pk(read.body));
    expect(leadingKeys).not.toContain(pk(lease.body));
    expect(leadingKeys).not.toContain('node');
  });

  it("allows the exact UpdateItem the registry's reportOutlier sends, and no other registry write", async () => {
    const [, , update] = policyStatements(publish.logicalId).filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('dynamodb:')),
    );
    if (!update) throw new Error('no UpdateItem statement');
    const now = new Date('2026-11-26T12:00:00.000Z');

    const report = await requestOf((registry) => registry.reportOutlier('b2', now));

    expect(report.target).toBe('DynamoDB_20120810.UpdateItem');
    expect(report.body.Key).toEqual({ pk: { S: 'node' }, sk: { S: 'b2' } });
    expect(report.body.ConditionExpression).toBe('attribute_exists(#pk)');
    expect(allowsUpdate(update, report.body)).toBe(true);
    // The writes that belong to operators and the prober fall outside it.
    const admin = await requestOf((registry) => registry.setAdminState('b2', 'draining', now));
    expect(allowsUpdate(update, admin.body)).toBe(false);
    expect(allowsUpdate(update, { ...report.body, ReturnValues: 'ALL_OLD' })).toBe(false);
    expect(
      allowsUpdate(update, { ...report.body, Key: { pk: { S: 'lease' }, sk: { S: 'prober' } } }),
    ).toBe(false);
    // Nor can a publisher write the fleet snapshot the others route on.
    const publication = await requestOf((registry) =>
      registry.snapshots ? registry.snapshots.publish(now) : Promise.resolve(),
    );
    expect(allowsUpdate(update, publication.body)).toBe(false);
  });

  it('alarms on throttled registry reads and writes', () => {
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Namespace: 'AWS/DynamoDB',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [Match.anyValue()],
      });
    }
  });

  it('alarms on eligible brokers, prober errors, a stale registry and the publish error rate', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const descriptions = alarms.map((alarm) => alarm.Properties.AlarmDescription as string);
    for (const pattern of [/Fewer than 2 brokers/, /prober failed/, /No probe round/, /publish/]) {
      expect(descriptions.some((description) => pattern.test(description))).toBe(true);
    }
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'EligibleBrokers',
      Namespace: 'Warren',
      Threshold: 2,
      ComparisonOperator: 'LessThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ProbeRounds',
      TreatMissingData: 'breaching',
    });
  });

  it('counts 5xx answered to direct invokes, from the publish metrics, in the publish error rate', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('publish'),
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('FILL\\(invoke5xx, 0\\)') }),
      ]),
    });
    const [alarm] = Object.values(
      template.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmDescription: Match.stringLikeRegexp('of publish invocations') },
      }),
    );
    if (!alarm) throw new Error('no publish error rate alarm');
    const invoke5xx = (
      alarm.Properties.Metrics as { Id: string; MetricStat?: Record<string, unknown> }[]
    ).find((metric) => metric.Id === 'invoke5xx')?.MetricStat as {
      Stat: string;
      Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] };
    };
    expect(invoke5xx.Stat).toBe('Sum');
    expect(invoke5xx.Metric.Namespace).toBe(PUBLISH_METRICS.namespace);
    expect(invoke5xx.Metric.MetricName).toBe(PUBLISH_METRICS.names.requests);
    expect(invoke5xx.Metric.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'service', Value: PUBLISH_METRICS.service },
        { Name: 'Transport', Value: 'invoke' },
        { Name: 'StatusClass', Value: '5xx' },
      ]),
    );
  });

  it('alarms on publish requests routed in panic mode or on a last known good view', () => {
    for (const metricName of [
      PUBLISH_METRICS.names.panicRequests,
      PUBLISH_METRICS.names.staleViewFallbacks,
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Namespace: PUBLISH_METRICS.namespace,
        Dimensions: [{ Name: 'service', Value: PUBLISH_METRICS.service }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('charts accepted and failed messages and publish latency on the dashboard', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const name of [
      PUBLISH_METRICS.names.acceptedMessages,
      PUBLISH_METRICS.names.failedMessages,
      PUBLISH_METRICS.names.latency,
      PUBLISH_METRICS.names.requests,
      PUBLISH_METRICS.names.failoverMessages,
      PUBLISH_METRICS.names.attemptFailures,
      PUBLISH_METRICS.names.panicRequests,
      PUBLISH_METRICS.names.staleViewFallbacks,
    ])
      expect(body).toContain(name);
  });

  it('has a dashboard with broker memory and disk', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain('mem_used_percent');
    expect(body).toContain('disk_used_percent');
    expect(body).toContain('EligibleBrokers');
  });
});
