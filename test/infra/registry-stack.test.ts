import { App, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  AMQP_USERNAME,
  CA_CERTIFICATE_PARAMETER,
  RegistryStack,
  type RegistryStackProps,
} from '../../infra/registry-stack.js';
import { ENV } from '../../src/config.js';
import { DEFAULT_REGISTRY_TABLE_NAME, REGISTRY_KEYS } from '../../src/registry/registry-table.js';
import { cdkJsonContext } from './cdk-context.js';

// TableV2 synthesizes a global table; with no replicas configured it is a one-region table.
const TABLE = 'AWS::DynamoDB::GlobalTable';

function synth(props?: RegistryStackProps): { stack: RegistryStack; template: Template } {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new RegistryStack(app, 'Registry', props);
  return { stack, template: Template.fromStack(stack) };
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

  it('sets no TTL attribute, so unprobed brokers stay visible as stale', () => {
    template.allResourcesProperties(TABLE, { TimeToLiveSpecification: Match.absent() });
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

  it('publishes the CA certificate, and only the certificate, in an SSM parameter', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: CA_CERTIFICATE_PARAMETER,
      Type: 'String',
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetCa'), 'CertificatePem'] },
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
