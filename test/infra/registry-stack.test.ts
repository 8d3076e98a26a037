import { App, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../infra/cdk-context.js';
import {
  AMQP_USERNAME,
  CA_CERTIFICATE_PARAMETER,
  RegistryStack,
  type RegistryStackProps,
} from '../../infra/registry-stack.js';
import { ENV } from '../../src/config.js';
import {
  DEFAULT_REGISTRY_TABLE_NAME,
  REGISTRY_KEYS,
  REGISTRY_TTL_ATTRIBUTE,
} from '../../src/dynamodb/registry-table.js';
import { CERTIFICATE_ISSUER_ENV } from '../../src/tls/certificate-issuer-config.js';

// TableV2 synthesizes a global table; with no replicas configured it is a one-region table.
const TABLE = 'AWS::DynamoDB::GlobalTable';

function synth(props?: RegistryStackProps): { stack: RegistryStack; template: Template } {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new RegistryStack(app, 'Registry', props);
  return { stack, template: Template.fromStack(stack) };
}

/** The logical id of the one function whose description matches. */
function functionId(template: Template, description: RegExp): string {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, fn]) =>
    description.test(fn.Properties.Description ?? ''),
  );
  if (!found) throw new Error(`no function described ${description}`);
  return found[0];
}

/** The statements of the inline policies of the function's role. */
function statementsOf(template: Template, logicalId: string): Record<string, unknown>[] {
  const fn = template.findResources('AWS::Lambda::Function')[logicalId];
  const roleId: string = fn?.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('RegistryStack', () => {
  const { stack, template } = synth();

  it('creates exactly one table', () => {
    template.resourceCountIs(TABLE, 1);
  });

  it('keys the table by the shared registry partition and sort keys, both strings', () => {
    template.hasResourceProperties(TABLE, {
      KeySchema: [
        { AttributeName: REGISTRY_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: REGISTRY_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: REGISTRY_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: REGISTRY_KEYS.sortKey, AttributeType: 'S' },
      ],
    });
  });

  it('bills on demand', () => {
    template.hasResourceProperties(TABLE, { BillingMode: 'PAY_PER_REQUEST' });
  });

  it('enables point-in-time recovery', () => {
    template.hasResourceProperties(TABLE, {
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('retains the table when the stack is deleted or the table replaced', () => {
    template.hasResource(TABLE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('turns on deletion protection', () => {
    template.hasResourceProperties(TABLE, {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
    });
  });

  it('encrypts with the AWS managed KMS key, not a customer key', () => {
    template.hasResourceProperties(TABLE, {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.absent() },
    });
  });

  it("expires items by the dedupe records' TTL attribute, which broker items never carry", () => {
    template.hasResourceProperties(TABLE, {
      TimeToLiveSpecification: { AttributeName: REGISTRY_TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('names the table like the local fleet does by default', () => {
    template.hasResourceProperties(TABLE, { TableName: DEFAULT_REGISTRY_TABLE_NAME });
  });

  it('uses the table name it is given', () => {
    const named = synth({ tableName: 'warren-registry-staging' });
    named.template.hasResourceProperties(TABLE, { TableName: 'warren-registry-staging' });
  });

  it('outputs the table name', () => {
    template.hasOutput('TableName', { Value: stack.resolve(stack.table.tableName) });
  });

  it('stays environment-agnostic so synthesis needs no credentials', () => {
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
  });

  it('generates the AMQP credentials in Secrets Manager and keeps them when the stack goes', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: JSON.stringify({ username: AMQP_USERNAME }),
          GenerateStringKey: 'password',
          ExcludePunctuation: true,
        }),
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('creates the fleet CA once through its custom resource, into a retained secret', () => {
    template.hasResourceProperties('Custom::WarrenFleetCa', {
      SecretArn: { Ref: Match.stringLikeRegexp('^CertificateAuthority') },
    });
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    expect(Object.values(secrets).every((secret) => secret.DeletionPolicy === 'Retain')).toBe(true);
    expect(Token.isUnresolved(stack.certificateAuthorityPem)).toBe(true);
  });

  describe.each([
    ['Custom::WarrenFleetCa', 'FleetCaProvider', 'FleetCaFunction'],
    ['Custom::WarrenBroker', 'RegistrationProvider', 'RegistrationFunction'],
  ])('the Provider behind %s', (resourceType, providerId, onEventId) => {
    const functions = template.findResources('AWS::Lambda::Function');
    const [frameworkId, framework] =
      Object.entries(functions).find(([id]) => id.startsWith(`${providerId}frameworkonEvent`)) ??
      [];
    const onEventArn = { 'Fn::GetAtt': [expect.stringMatching(`^${onEventId}`), 'Arn'] };

    it("is CDK's framework function, invoking the warren function as its on-event handler", () => {
      expect(framework?.Properties).toMatchObject({
        Handler: 'framework.onEvent',
        Environment: { Variables: { USER_ON_EVENT_FUNCTION_ARN: onEventArn } },
      });
    });

    it('is the service token of the resource', () => {
      const token =
        resourceType === 'Custom::WarrenFleetCa'
          ? Object.values(template.findResources(resourceType))[0]?.Properties.ServiceToken
          : stack.resolve(stack.registrationServiceToken);
      expect(token).toEqual({ 'Fn::GetAtt': [frameworkId, 'Arn'] });
    });

    it('may invoke the on-event function and nothing else', () => {
      const statements = statementsOf(template, String(frameworkId));
      expect(statements).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          Effect: 'Allow',
          Resource: [onEventArn, { 'Fn::Join': ['', [onEventArn, ':*']] }],
        },
        { Action: 'lambda:GetFunction', Effect: 'Allow', Resource: onEventArn },
      ]);
    });

    it('logs to a log group kept a month, not forever', () => {
      const logGroupId = framework?.Properties.LoggingConfig.LogGroup.Ref;
      expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties).toEqual({
        RetentionInDays: 30,
      });
    });
  });

  it('publishes the CA certificate, and only the certificate, in an SSM parameter', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: CA_CERTIFICATE_PARAMETER,
      Type: 'String',
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetCa'), 'CertificatePem'] },
    });
  });

  describe('certificate issuer', () => {
    const issuer = functionId(template, /^warren: signs a broker CSR/);

    it('is the only function besides the CA custom resource that may read the CA secret', () => {
      const readers = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((policy) =>
          (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).some(
            (statement) =>
              [statement.Action].flat().includes('secretsmanager:GetSecretValue') &&
              JSON.stringify(statement.Resource).includes('CertificateAuthority'),
          ),
        )
        .map((policy) => JSON.stringify(policy.Properties.Roles));
      expect(readers).toHaveLength(2);
      expect(readers.some((roles) => roles.includes('CertificateIssuerFunction'))).toBe(true);
      expect(readers.some((roles) => roles.includes('FleetCaFunction'))).toBe(true);
    });

    it('is told the CA secret by the variable name it reads, and may describe instances', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('^warren: signs a broker CSR'),
        Environment: {
          Variables: Match.objectLike({
            [CERTIFICATE_ISSUER_ENV.caSecretArn]: {
              Ref: Match.stringLikeRegexp('^CertificateAuthority'),
            },
          }),
        },
      });
      const actions = statementsOf(template, issuer).flatMap((statement) =>
        [statement.Action].flat(),
      );
      expect(actions.sort()).toEqual([
        'ec2:DescribeInstances',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
    });

    it('is reached through a function URL that requires IAM auth, open to no one by resource policy', () => {
      template.resourceCountIs('AWS::Lambda::Url', 1);
      template.hasResourceProperties('AWS::Lambda::Url', {
        AuthType: 'AWS_IAM',
        TargetFunctionArn: { 'Fn::GetAtt': [issuer, 'Arn'] },
      });
      const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
      expect(permissions.filter((permission) => permission.Properties.Principal === '*')).toEqual(
        [],
      );
      expect(JSON.stringify(stack.resolve(stack.certificateIssuerUrl))).toMatch(
        /"Fn::GetAtt":\["CertificateIssuerFunctionFunctionUrl\w+","FunctionUrl"\]/,
      );
    });
  });

  it('gives the registration function the table name and only the table calls it makes', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('registers a broker'),
      Environment: { Variables: Match.objectLike({ [ENV.registryTable]: Match.anyValue() }) },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    const dynamo = statements.filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('dynamodb:')),
    );
    expect(dynamo).toHaveLength(1);
    expect([dynamo[0]?.Action].flat().sort()).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem']);
  });
});
