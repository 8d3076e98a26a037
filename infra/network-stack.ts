import { Duration, Fn, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  IpAddresses,
  type ISecurityGroup,
  type IVpc,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** Availability zones the fleet spreads over: one broker per zone, round robin. */
export const FLEET_AZ_COUNT = 3;

export interface NetworkStackProps extends StackProps {
  /**
   * NAT gateways: brokers reach RabbitMQ's package repositories, the CloudWatch
   * agent and SSM through them. Publishing does not: AMQP stays in the VPC.
   *
   * @default 1
   */
  readonly natGateways?: number;
}

/**
 * The VPC every other stack lives in, the security groups that the brokers let
 * in, and the topic warren's alarms notify.
 *
 * @example
 * const network = new NetworkStack(app, 'WarrenNetwork');
 * brokerSecurityGroup.addIngressRule(network.publisherSecurityGroup, Port.tcp(5671));
 */
export class NetworkStack extends Stack {
  public readonly vpc: IVpc;
  /** Attached to the publish function: may open AMQPS to every broker. */
  public readonly publisherSecurityGroup: ISecurityGroup;
  /** Attached to the prober: AMQPS and the management API of every broker. */
  public readonly proberSecurityGroup: ISecurityGroup;
  /** For consumer services to attach to their own tasks or instances: AMQPS to every broker. */
  public readonly consumerSecurityGroup: ISecurityGroup;
  /** Every warren alarm notifies this topic; subscribe an email, chat or pager endpoint to it. */
  public readonly alarmTopic: ITopic;

  constructor(scope: Construct, id: string, props: NetworkStackProps = {}) {
    super(scope, id, props);

    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: FLEET_AZ_COUNT,
      natGateways: props.natGateways ?? 1,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs) } },
    });
    // Functions read the registry and the AMQP secret without leaving the VPC.
    vpc.addGatewayEndpoint('DynamoDb', { service: GatewayVpcEndpointAwsService.DYNAMODB });
    const secretsManager = vpc.addInterfaceEndpoint('SecretsManager', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
    });
    Validations.of(secretsManager).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC23',
      reason:
        "The endpoint's security group admits HTTPS from the VPC's own CIDR, which cdk-nag cannot evaluate (an intrinsic); nothing outside the VPC reaches it",
    });
    this.vpc = vpc;

    const clientGroup = (groupId: string, description: string) =>
      new SecurityGroup(this, groupId, { vpc, description, allowAllOutbound: true });
    this.publisherSecurityGroup = clientGroup('Publisher', 'warren publish function');
    this.proberSecurityGroup = clientGroup('Prober', 'warren prober function');
    this.consumerSecurityGroup = clientGroup(
      'Consumer',
      'warren consumers: attach to services that consume from the brokers',
    );

    // Alarms reach an encrypted topic only through a key whose policy lets CloudWatch use it.
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: 'warren alarm topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    topicKey.grant(
      new ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.alarmTopic = new Topic(this, 'Alarms', {
      displayName: 'warren alarms',
      masterKey: topicKey,
      enforceSSL: true,
    });
  }

  /**
   * Three zones even without a fixed region: an environment-agnostic stack would
   * otherwise see two, and `cdk synth` must not look the region's zones up.
   */
  override get availabilityZones(): string[] {
    return Array.from({ length: FLEET_AZ_COUNT }, (_, index) => Fn.select(index, Fn.getAzs()));
  }
}
