import {
  CustomResource,
  RemovalPolicy,
  Size,
  Stack,
  type StackProps,
  Tags,
  Validations,
} from 'aws-cdk-lib';
import {
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  Instance,
  InstanceType,
  type ISecurityGroup,
  type IVpc,
  MachineImage,
  Port,
  SecurityGroup,
  UserData,
  Volume,
} from 'aws-cdk-lib/aws-ec2';
import {
  InstanceProfile,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { assertNodeId } from '../src/core/node-id.js';
import { BROKER_TAG } from '../src/tls/instance-directory.js';
import type { Topology } from '../src/topology/topology.js';
import { renderBootScript } from './broker/boot-script.js';
import { addBrokerAlarms } from './broker-alarms.js';

/** Ubuntu 24.04 LTS, amd64, gp3 root: Canonical's public SSM parameter, resolved by EC2 at launch. */
export const UBUNTU_AMI_PARAMETER =
  '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id';

/** Tag on every resource of a broker stack, valued with the broker id; the certificate issuer requires it. */
export { BROKER_TAG };

/** Ports a broker serves; nothing else is open. */
export const BROKER_PORTS = { amqps: 5671, managementHttps: 15671 } as const;

export interface BrokerStackProps extends StackProps {
  /** Registry id of the broker (`b1`); also names its RabbitMQ logs and alarms. */
  readonly nodeId: string;
  readonly vpc: IVpc;
  /** Index into the VPC's private subnets: brokers are spread one per AZ, round robin. */
  readonly zoneIndex: number;
  /** Allowed AMQPS (5671). */
  readonly clientSecurityGroups: readonly ISecurityGroup[];
  /** Allowed AMQPS and the management API (15671). */
  readonly proberSecurityGroup: ISecurityGroup;
  readonly credentialsSecret: ISecret;
  /** Signs the broker's CSR (the registry stack's issuer); the broker may only invoke its URL. */
  readonly certificateIssuer: IFunction;
  /** The issuer's function URL (AWS_IAM auth). */
  readonly certificateIssuerUrl: string;
  /** Service token of `Custom::WarrenBroker`: the registry stack's registration provider. */
  readonly registrationServiceToken: string;
  readonly alarmTopic: ITopic;
  readonly instanceType: string;
  readonly dataVolumeGiB: number;
  readonly rabbitmqVersion: string;
  readonly erlangMajor: number;
  readonly topology: Topology;
}

/**
 * One RabbitMQ broker: its own EC2 instance in its own AZ, its own retained
 * data volume, security group and alarms. Deploying the stack is how a broker
 * joins the registry; destroying it retires the broker. One stack per broker,
 * so replacing or deleting one never touches another.
 *
 * @example
 * new BrokerStack(app, 'WarrenBroker-b1', { nodeId: 'b1', zoneIndex: 0, … });
 */
export class BrokerStack extends Stack {
  public readonly instance: Instance;
  public readonly securityGroup: ISecurityGroup;

  constructor(scope: Construct, id: string, props: BrokerStackProps) {
    super(scope, id, props);
    const nodeId = assertNodeId(props.nodeId);
    // Every resource carries the broker id; the volume-attach permission is scoped by it.
    Tags.of(this).add(BROKER_TAG, nodeId);
    const subnets = props.vpc.privateSubnets;
    const subnet = subnets[props.zoneIndex % subnets.length];
    if (!subnet) throw new Error(`the VPC has no private subnets for broker ${nodeId}`);

    const securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `warren broker ${nodeId}: AMQPS from clients, management API from the prober`,
      allowAllOutbound: true,
    });
    for (const client of [...props.clientSecurityGroups, props.proberSecurityGroup]) {
      securityGroup.addIngressRule(client, Port.tcp(BROKER_PORTS.amqps), 'AMQPS');
    }
    securityGroup.addIngressRule(
      props.proberSecurityGroup,
      Port.tcp(BROKER_PORTS.managementHttps),
      'RabbitMQ management API (alarm checks)',
    );
    this.securityGroup = securityGroup;

    const dataVolume = new Volume(this, 'Data', {
      availabilityZone: subnet.availabilityZone,
      size: Size.gibibytes(props.dataVolumeGiB),
      volumeType: EbsDeviceVolumeType.GP3,
      encrypted: true,
      // Messages a dead broker stranded live here: the volume outlives the instance and the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      description: `warren broker ${nodeId}`,
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
        ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
      ],
    });
    props.credentialsSecret.grantRead(role);
    // No read of the CA secret: the broker sends a CSR signed with this role, and the
    // issuer certifies only this instance's own address. Its key never leaves the instance.
    props.certificateIssuer.grantInvokeUrl(role);
    // Named like its role, so the issuer can tell the instance's own role from any other
    // role a session could be named after the instance on.
    const instanceProfile = new InstanceProfile(this, 'InstanceProfile', {
      role,
      instanceProfileName: role.roleName,
    });
    // The instance attaches its own data volume at boot, so a replacement instance can take it over.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['ec2:AttachVolume'],
        resources: [
          Stack.of(this).formatArn({
            service: 'ec2',
            resource: 'volume',
            resourceName: dataVolume.volumeId,
          }),
          Stack.of(this).formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' }),
        ],
        conditions: { StringEquals: { [`aws:ResourceTag/${BROKER_TAG}`]: nodeId } },
      }),
    );
    role.addToPolicy(new PolicyStatement({ actions: ['ec2:DescribeVolumes'], resources: ['*'] }));

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/warren/brokers/${nodeId}`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const instance = new Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: { subnets: [subnet] },
      instanceType: new InstanceType(props.instanceType),
      machineImage: MachineImage.resolveSsmParameterAtLaunch(UBUNTU_AMI_PARAMETER),
      instanceProfile,
      securityGroup,
      requireImdsv2: true,
      detailedMonitoring: true,
      // A new boot script (e.g. a RabbitMQ upgrade) means a new instance that takes the volume over.
      userDataCausesReplacement: true,
      userData: UserData.custom(
        renderBootScript({
          nodeId,
          region: this.region,
          rabbitmqVersion: props.rabbitmqVersion,
          erlangMajor: props.erlangMajor,
          dataVolumeId: dataVolume.volumeId,
          credentialsSecretArn: props.credentialsSecret.secretArn,
          certificateIssuerUrl: props.certificateIssuerUrl,
          topology: props.topology,
          logGroupName: logGroup.logGroupName,
        }),
      ),
      blockDevices: [
        {
          deviceName: '/dev/sda1',
          volume: BlockDeviceVolume.ebs(16, {
            encrypted: true,
            volumeType: EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    this.instance = instance;
    acknowledgeBrokerFindings(instance, role);

    new CustomResource(this, 'Registration', {
      serviceToken: props.registrationServiceToken,
      resourceType: 'Custom::WarrenBroker',
      properties: {
        NodeId: nodeId,
        Endpoint: `amqps://${instance.instancePrivateIp}:${BROKER_PORTS.amqps}`,
        ManagementEndpoint: `https://${instance.instancePrivateIp}:${BROKER_PORTS.managementHttps}`,
        Az: instance.instanceAvailabilityZone,
        Labels: { instanceId: instance.instanceId, stack: this.stackName },
      },
    });

    addBrokerAlarms(this, {
      nodeId,
      instanceId: instance.instanceId,
      alarmTopic: props.alarmTopic,
    });
  }
}

/** cdk-nag and CloudFormation findings on a broker that are by design, each with its reason. */
function acknowledgeBrokerFindings(instance: Instance, role: Role): void {
  Validations.of(instance).acknowledge({
    id: 'AwsSolutions::AwsSolutions-EC29',
    reason:
      'Destroying a broker stack is how a broker leaves the fleet; termination protection would block it. The data volume is retained instead.',
  });
  Validations.of(instance).acknowledge({
    id: 'CloudFormation-Validate::E1152',
    reason:
      'ImageId "resolve:ssm:<parameter>" is the documented EC2 syntax for resolving a public AMI parameter at launch; the validator expects a literal ami- id',
  });
  for (const policy of ['AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy']) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
      reason: `${policy} is AWS's maintained policy for ${policy.startsWith('Amazon') ? 'SSM Session Manager (no SSH)' : 'the CloudWatch agent (logs, memory, disk)'}`,
    });
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
    reason:
      'AttachVolume names the instance as a resource; the replacement instance id is unknown in advance, so the statement is limited by the broker tag instead',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'ec2:DescribeVolumes supports no resource-level permissions',
  });
}
