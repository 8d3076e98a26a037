import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { APP_CONTEXT_KEYS } from '../../infra/app-config.js';
import { STACK_IDS } from '../../infra/build-app.js';
import { buildTestApp, stackTemplate } from './cdk-context.js';

describe('NetworkStack', () => {
  const template = stackTemplate(buildTestApp(), STACK_IDS.network);

  it('spreads public and private subnets over three availability zones without a lookup', () => {
    const subnets = template.findResources('AWS::EC2::Subnet');
    const zones = Object.values(subnets).map((subnet) =>
      JSON.stringify(subnet.Properties.AvailabilityZone),
    );
    expect(zones).toHaveLength(6);
    expect(new Set(zones).size).toBe(3);
    for (const zone of zones) expect(zone).toContain('Fn::GetAZs');
  });

  it('gives private subnets egress through one NAT gateway by default', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('takes the NAT gateway count from context', () => {
    const app = buildTestApp({ [APP_CONTEXT_KEYS.natGateways]: 3 });
    stackTemplate(app, STACK_IDS.network).resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  it('reaches DynamoDB through a gateway endpoint and Secrets Manager through an interface endpoint', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('dynamodb')])]),
      }),
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('secretsmanager')])]),
      }),
      PrivateDnsEnabled: true,
    });
  });

  it('records VPC flow logs', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
  });

  it('creates the publisher, prober and consumer security groups with no inbound rules', () => {
    for (const description of ['warren publish function', 'warren prober function']) {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: description,
        SecurityGroupIngress: Match.absent(),
      });
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^warren consumers'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  it('encrypts the alarm topic with a key CloudWatch may use, and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      }),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      }),
    });
  });
});
