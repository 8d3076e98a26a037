import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { APP_CONTEXT_KEYS } from '../../infra/app-config.js';
import { buildApp, STACK_IDS } from '../../infra/build-app.js';
import { DEFAULT_REGISTRY_TABLE_NAME } from '../../src/registry/registry-table.js';
import { cdkJsonContext } from './cdk-context.js';

function registryTemplate(context: Record<string, unknown> = {}): Template {
  const app = buildApp(new App({ context: { ...cdkJsonContext(), ...context } }));
  return Template.fromStack(app.node.findChild(STACK_IDS.registry) as Stack);
}

describe('buildApp', () => {
  it('adds the registry stack with the default table name', () => {
    registryTemplate().hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: DEFAULT_REGISTRY_TABLE_NAME,
    });
  });

  it('takes the registry table name from CDK context', () => {
    const context = { [APP_CONTEXT_KEYS.registryTableName]: 'warren-registry-staging' };
    registryTemplate(context).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'warren-registry-staging',
    });
  });

  it.each([
    ['an empty string', ''],
    ['a number', 42],
  ])('rejects %s as the registry table name', (_label, value) => {
    expect(() => registryTemplate({ [APP_CONTEXT_KEYS.registryTableName]: value })).toThrow(
      APP_CONTEXT_KEYS.registryTableName,
    );
  });
});
