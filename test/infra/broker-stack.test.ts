import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { APP_CONTEXT_KEYS } from '../../infra/app-config.js';
import { BROKER_PORTS, UBUNTU_AMI_PARAMETER } from '../../infra/broker-stack.js';
import { STACK_IDS } from '../../infra/build-app.js';
import { buildTestApp, stackTemplate } from './cdk-context.js';

const app = buildTestApp({
  [APP_CONTEXT_KEYS.rabbitmqVersion]: '4.1.4',
  [APP_CONTEXT_KEYS.brokerInstanceType]: 'm7i.xlarge',
});
const broker = (id: string) => stackTemplate(app, STACK_IDS.broker(id));

/** The literal parts of the instance's user data (CloudFormation joins them with tokens). */
function userDataText(template: Template): string {
  const [instance] = Object.values(template.findResources('AWS::EC2::Instance'));
  const parts: unknown[] = instance?.Properties.UserData['Fn::Base64']['Fn::Join'][1] ?? [];
  return parts.filter((part): part is string => typeof part === 'string').join('');
}

describe('BrokerStack', () => {
  const template = broker('b1');

  it('runs one instance of the configured type', () => {
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 'm7i.xlarge' });
  });

  it('boots Ubuntu LTS from the public SSM parameter, resolved at launch rather than looked up', () => {
    template.hasResourceProperties('AWS::EC2::Instance', {
      ImageId: `resolve:ssm:${UBUNTU_AMI_PARAMETER}`,
    });
  });

  it('requires IMDSv2', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
    });
  });

  it('has no SSH key and is reachable through SSM Session Manager', () => {
    template.hasResourceProperties('AWS::EC2::Instance', { KeyName: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.arrayWith([
        Match.objectLike({
          'Fn::Join': Match.arrayWith([
            Match.arrayWith([Match.stringLikeRegexp('AmazonSSMManagedInstanceCore')]),
          ]),
        }),
      ]),
    });
  });

  it('opens AMQPS to the client security groups and the management API to the prober only, never to an address range', () => {
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(
      (rule) => rule.Properties,
    );
    const inline = Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(
      (group) => group.Properties.SecurityGroupIngress ?? [],
    );
    expect(inline).toEqual([]);
    expect(rules.map((rule) => rule.FromPort as number).sort((a, b) => a - b)).toEqual([
      BROKER_PORTS.amqps,
      BROKER_PORTS.amqps,
      BROKER_PORTS.amqps,
      BROKER_PORTS.managementHttps,
    ]);
    for (const rule of rules) {
      expect(rule.ToPort).toBe(rule.FromPort);
      expect(rule.SourceSecurityGroupId).toBeDefined();
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.CidrIpv6).toBeUndefined();
    }
    const management = rules.filter((rule) => rule.FromPort === BROKER_PORTS.managementHttps);
    expect(JSON.stringify(management[0]?.SourceSecurityGroupId)).toContain('Prober');
  });

  it('keeps data on a separate encrypted gp3 volume that outlives the stack', () => {
    template.hasResource('AWS::EC2::Volume', {
      Properties: { VolumeType: 'gp3', Encrypted: true, Size: 50 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::EC2::Instance', {
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/sda1',
          Ebs: { Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true },
        },
      ],
    });
  });

  it('replaces the instance but keeps the data volume when the boot script changes (an upgrade)', () => {
    const logicalIds = (rabbitmqVersion: string) => {
      const upgraded = stackTemplate(
        buildTestApp({ [APP_CONTEXT_KEYS.rabbitmqVersion]: rabbitmqVersion }),
        STACK_IDS.broker('b1'),
      );
      return {
        instance: Object.keys(upgraded.findResources('AWS::EC2::Instance')),
        volume: Object.keys(upgraded.findResources('AWS::EC2::Volume')),
      };
    };
    const before = logicalIds('4.1.4');
    const after = logicalIds('4.2.1');
    expect(after.instance).not.toEqual(before.instance);
    expect(after.volume).toEqual(before.volume);
  });

  it('boots with the pinned RabbitMQ version and the broker id', () => {
    const script = userDataText(template);
    expect(script.startsWith('#!/bin/bash')).toBe(true);
    expect(script).toContain('4.1.4');
    expect(script).toContain('b1');
  });

  it('may read the credentials and CA secrets and attach only its own tagged volume', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toContain('secretsmanager:GetSecretValue');
    const attach = statements.find((statement) => statement.Action === 'ec2:AttachVolume');
    expect(attach?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/warren:broker': 'b1' },
    });
  });

  it('registers itself in the registry through the custom resource, with its AMQPS endpoint', () => {
    template.hasResourceProperties('Custom::WarrenBroker', {
      NodeId: 'b1',
      Endpoint: {
        'Fn::Join': ['', ['amqps://', Match.anyValue(), `:${BROKER_PORTS.amqps}`]],
      },
      ManagementEndpoint: {
        'Fn::Join': ['', ['https://', Match.anyValue(), `:${BROKER_PORTS.managementHttps}`]],
      },
    });
  });

  it('alarms on memory and data-disk use and recovers the instance when its host fails', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'mem_used_percent',
      Threshold: 85,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'disk_used_percent',
      Dimensions: Match.arrayWith([{ Name: 'path', Value: '/var/lib/rabbitmq' }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'StatusCheckFailed_System',
      AlarmActions: Match.arrayWith([
        { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':automate:')])] },
      ]),
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions.length).toBeGreaterThan(0);
    }
  });

  it('is one stack per broker, each in its own private subnet, none referring to another', () => {
    const subnetOf = (id: string) =>
      JSON.stringify(
        Object.values(broker(id).findResources('AWS::EC2::Instance'))[0]?.Properties.SubnetId,
      );
    expect(new Set(['b1', 'b2', 'b3'].map(subnetOf)).size).toBe(3);
    for (const id of ['b1', 'b2', 'b3']) {
      const text = JSON.stringify(broker(id).toJSON());
      for (const other of ['b1', 'b2', 'b3'].filter((candidate) => candidate !== id)) {
        expect(text).not.toContain(STACK_IDS.broker(other));
      }
    }
  });
});
