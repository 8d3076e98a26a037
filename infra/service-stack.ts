import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountPrincipal,
  ArnPrincipal,
  type IPrincipal,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ENV } from '../src/config.js';
import type { BrokerNode } from '../src/core/broker-node.js';
import {
  DEFAULT_SNAPSHOT_COPIES,
  REGISTRY_KEYS,
  snapshotCopyPartition,
} from '../src/dynamodb/registry-table.js';
import type { Topology } from '../src/topology/topology.js';
import { ServiceMonitoring } from './service-monitoring.js';
import { WarrenFunction } from './warren-function.js';

/** How the deployed prober runs: every minute, several rounds per invocation. */
export const PROBER_SCHEDULE = {
  probeIntervalMs: 15_000,
  probeRounds: 4,
  /** Covers (rounds − 1) × interval plus one round's probe budget, with room for a slow start. */
  timeout: Duration.seconds(90),
} as const;

/** The one attribute a publisher writes: its passive outlier report on a broker item. */
export const OUTLIER_ATTRIBUTE = 'outlierReportedAt' satisfies keyof BrokerNode;

/**
 * Lambda allows 4 KB for all of a function's variables together. The fleet CA
 * certificate (RSA 3072, about 1.6 KB) arrives at deploy time and the other
 * variables take about 0.5 KB, which leaves this much for `WARREN_TOPOLOGY`.
 */
export const TOPOLOGY_ENV_BUDGET_BYTES = 1_800;

export interface ServiceStackProps extends StackProps {
  readonly vpc: IVpc;
  readonly publisherSecurityGroup: ISecurityGroup;
  readonly proberSecurityGroup: ISecurityGroup;
  readonly table: ITableV2;
  readonly credentialsSecret: ISecret;
  /** The fleet CA certificate (PEM) the functions trust for AMQPS and the management API. */
  readonly certificateAuthorityPem: string;
  readonly topology: Topology;
  /** IAM principals (role or user ARNs, account ids) allowed to invoke the publish function. */
  readonly publishers: readonly string[];
  /** Distinct brokers that confirm each message when a request does not say. */
  readonly replicas: number;
  /** Brokers each publish container sends unkeyed messages to; 0 for every broker. */
  readonly subsetSize: number;
  /**
   * Copies of the fleet snapshot: the prober writes each, every publish
   * container reads one (its partition key is in the publish function's policy).
   *
   * @default DEFAULT_SNAPSHOT_COPIES (4)
   */
  readonly registrySnapshotCopies?: number;
  readonly alarmTopic: ITopic;
}

/**
 * The functions that use the fleet: the publish function (direct invoke and an
 * IAM-authenticated function URL) and the prober, scheduled every minute; plus
 * their alarms and dashboard.
 *
 * @example
 * new ServiceStack(app, 'WarrenService', { vpc, table, publishers: ['arn:aws:iam::123456789012:role/orders'], … });
 */
export class ServiceStack extends Stack {
  public readonly publishFunction: IFunction;
  public readonly proberFunction: IFunction;
  public readonly publishUrl: string;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const snapshotCopies = props.registrySnapshotCopies ?? DEFAULT_SNAPSHOT_COPIES;
    const shared = {
      [ENV.registryTable]: props.table.tableName,
      // Both functions: the prober writes this many copies, each publisher reads one of them.
      [ENV.registrySnapshotCopies]: String(snapshotCopies),
      [ENV.probeIntervalMs]: String(PROBER_SCHEDULE.probeIntervalMs),
      [ENV.amqpSecretArn]: props.credentialsSecret.secretArn,
      [ENV.amqpCaCert]: props.certificateAuthorityPem,
    };
    const inVpc = (securityGroup: ISecurityGroup) => ({
      vpc: props.vpc,
      vpcSubnets: { subnets: props.vpc.privateSubnets },
      securityGroups: [securityGroup],
    });

    const topologyJson = JSON.stringify(props.topology);
    const topologyBytes = Buffer.byteLength(topologyJson);
    if (topologyBytes > TOPOLOGY_ENV_BUDGET_BYTES) {
      throw new Error(
        `the topology is ${topologyBytes} bytes as JSON, over the ${TOPOLOGY_ENV_BUDGET_BYTES} bytes the publish function's environment has room for (Lambda allows 4 KB for all variables, the CA certificate included)`,
      );
    }
    const publish = new WarrenFunction(this, 'Publish', {
      name: 'publish',
      description: 'warren: publishes to a healthy broker, failing over when one dies',
      ...inVpc(props.publisherSecurityGroup),
      // More memory is more CPU: JSON and TLS work per message dominate a warm request.
      memorySize: 1024,
      // The request deadline is 5 s; the rest covers a cold start's init.
      timeout: Duration.seconds(15),
      environment: {
        ...shared,
        [ENV.topology]: topologyJson,
        [ENV.replicas]: String(props.replicas),
        [ENV.subsetSize]: String(props.subsetSize),
      },
    });
    for (const statement of publisherTableStatements(props.table, snapshotCopies))
      publish.addToRolePolicy(statement);
    props.credentialsSecret.grantRead(publish);
    const url = publish.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    for (const principal of props.publishers.map(toPrincipal)) {
      publish.grantInvoke(principal);
      publish.grantInvokeUrl(principal);
    }
    this.publishFunction = publish;
    this.publishUrl = url.url;

    const prober = new WarrenFunction(this, 'Prober', {
      name: 'prober',
      description: 'warren: probes every broker and keeps the health registry current',
      ...inVpc(props.proberSecurityGroup),
      memorySize: 256,
      timeout: PROBER_SCHEDULE.timeout,
      // One prober at a time; the registry lease guards against overlap on top of this.
      reservedConcurrentExecutions: 1,
      environment: { ...shared, [ENV.probeRounds]: String(PROBER_SCHEDULE.probeRounds) },
    });
    // Fleet reads (Query), lease reads (GetItem), health, lease and fleet snapshot writes (UpdateItem).
    props.table.grant(prober, 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    props.credentialsSecret.grantRead(prober);
    new Rule(this, 'ProberSchedule', {
      description: 'warren: runs the prober every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A missed minute is made up by the next one: retrying a late run would only overlap it.
      targets: [new LambdaFunction(prober, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
    this.proberFunction = prober;

    new ServiceMonitoring(this, 'Monitoring', {
      publishFunction: publish,
      proberFunction: prober,
      table: props.table,
      alarmTopic: props.alarmTopic,
    });

    new CfnOutput(this, 'PublishFunctionName', { value: publish.functionName });
    new CfnOutput(this, 'PublishUrl', {
      value: url.url,
      description: 'POST /v1/publish here, signed with SigV4 (service lambda)',
    });
  }
}

/**
 * The publish function's table access: the fleet snapshot (GetItem of the
 * snapshot copies' partition keys only), the fleet view it falls back to and
 * `GET /v1/nodes` (Query, broker items only), and passive outlier reports (UpdateItem of `outlierReportedAt` on a broker
 * item, nothing else). Attribute-level access as the DynamoDB guide has it: the
 * `dynamodb:Attributes` list names the key attributes too (the request's Key and
 * `attribute_exists(pk)` condition use them), and `ReturnValues` is held to
 * NONE / UPDATED_NEW, so an update can read back no other attribute.
 */
function publisherTableStatements(table: ITableV2, snapshotCopies: number): PolicyStatement[] {
  const brokerItems = {
    'dynamodb:LeadingKeys': [REGISTRY_KEYS.nodePartition],
  };
  return [
    new PolicyStatement({
      sid: 'ReadFleetSnapshot',
      actions: ['dynamodb:GetItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': {
          'dynamodb:LeadingKeys': Array.from({ length: snapshotCopies }, (_, copy) =>
            snapshotCopyPartition(copy),
          ),
        },
      },
    }),
    new PolicyStatement({
      sid: 'ReadFleet',
      actions: ['dynamodb:Query'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringEquals': brokerItems },
    }),
    new PolicyStatement({
      sid: 'ReportOutliers',
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': {
          ...brokerItems,
          'dynamodb:Attributes': [
            REGISTRY_KEYS.partitionKey,
            REGISTRY_KEYS.sortKey,
            OUTLIER_ATTRIBUTE,
          ],
        },
        // Always present on UpdateItem (NONE when the request leaves it out).
        StringEquals: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] },
      },
    }),
  ];
}

function toPrincipal(publisher: string): IPrincipal {
  return /^\d{12}$/.test(publisher) ? new AccountPrincipal(publisher) : new ArnPrincipal(publisher);
}
