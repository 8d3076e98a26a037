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

/** Every statement of the stack's inline policies (the broker role's). */
function brokerStatements(template: Template): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
  );
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

  it('may read the credentials secret and attach only its own tagged volume', () => {
    const statements = brokerStatements(template);
    const reads = statements.filter((statement) =>
      [statement.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0]?.Resource)).toContain('AmqpCredentials');
    const attach = statements.find((statement) => statement.Action === 'ec2:AttachVolume');
    expect(attach?.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/warren:broker': 'b1' },
    });
  });

  it('cannot read the fleet CA: no statement reaches the CA secret, its certificate comes from the issuer', () => {
    const text = JSON.stringify(brokerStatements(template));
    expect(text).not.toContain('CertificateAuthority');
    expect(userDataText(template)).not.toMatch(/CA_SECRET|secretsmanager get-secret-value[^\n]*CA/);
    expect(userDataText(template)).toContain("ISSUER_URL='");
  });

  it("may invoke the certificate issuer's function URL, with IAM auth, and nothing else in Lambda", () => {
    const lambda = brokerStatements(template).filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('lambda:')),
    );
    expect(lambda).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunctionUrl',
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
      }),
      // Function URLs also need InvokeFunction, limited to calls that come through the URL.
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } },
      }),
    ]);
    for (const statement of lambda) {
      expect(JSON.stringify(statement.Resource)).toContain('CertificateIssuerFunction');
    }
  });

  it('names its instance profile after its role, so the issuer can tell the instance role from any other', () => {
    const [profileId, profile] =
      Object.entries(template.findResources('AWS::IAM::InstanceProfile'))[0] ?? [];
    expect(profile?.Properties.InstanceProfileName).toEqual(profile?.Properties.Roles[0]);
    expect(profile?.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^Role/) }]);
    template.hasResourceProperties('AWS::EC2::Instance', {
      IamInstanceProfile: { Ref: profileId },
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

  it("takes its service token from the registry stack's Provider, whose framework function invokes the registration function", () => {
    const [registration] = Object.values(template.findResources('Custom::WarrenBroker'));
    const outputName: unknown =
      registration?.Properties.ServiceToken['Fn::GetStackOutput']?.OutputName;
    expect(registration?.Properties.ServiceToken['Fn::GetStackOutput'].StackName).toBe(
      STACK_IDS.registry,
    );
    const registry = stackTemplate(app, STACK_IDS.registry);
    const output = registry.toJSON().Outputs[String(outputName)];
    const [frameworkId] = output?.Value['Fn::GetAtt'] ?? [];
    const framework = registry.findResources('AWS::Lambda::Function')[frameworkId];
    expect(frameworkId).toMatch(/^RegistrationProviderframeworkonEvent/);
    expect(output?.Value).toEqual({ 'Fn::GetAtt': [frameworkId, 'Arn'] });
    expect(framework?.Properties).toMatchObject({
      Handler: 'framework.onEvent',
      Environment: {
        Variables: {
          USER_ON_EVENT_FUNCTION_ARN: {
            'Fn::GetAtt': [expect.stringMatching(/^RegistrationFunction/), 'Arn'],
          },
        },
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
