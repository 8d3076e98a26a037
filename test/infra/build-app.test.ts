import { type App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { APP_CONTEXT_KEYS } from '../../infra/app-config.js';
import { brokerIds, STACK_IDS } from '../../infra/build-app.js';
import { DEFAULT_REGISTRY_TABLE_NAME } from '../../src/dynamodb/registry-table.js';
import { buildTestApp, stackTemplate } from './cdk-context.js';

const stackIds = (app: App) =>
  app.node.children.filter((child) => child instanceof Stack).map((stack) => stack.node.id);

describe('buildApp', () => {
  it('adds the network, registry, one stack per broker and the service stack', () => {
    expect(stackIds(buildTestApp())).toEqual([
      STACK_IDS.network,
      STACK_IDS.registry,
      'WarrenBroker-b1',
      'WarrenBroker-b2',
      'WarrenBroker-b3',
      STACK_IDS.service,
    ]);
  });

  it('adds as many broker stacks as the context asks for', () => {
    const ids = stackIds(buildTestApp({ [APP_CONTEXT_KEYS.brokerCount]: '5' }));
    expect(ids.filter((id) => id.startsWith('WarrenBroker-'))).toEqual(
      brokerIds(5).map(STACK_IDS.broker),
    );
  });

  it('names the registry table like the local fleet by default, or as the context says', () => {
    stackTemplate(buildTestApp(), STACK_IDS.registry).hasResourceProperties(
      'AWS::DynamoDB::GlobalTable',
      { TableName: DEFAULT_REGISTRY_TABLE_NAME },
    );
    const context = { [APP_CONTEXT_KEYS.registryTableName]: 'warren-registry-staging' };
    stackTemplate(buildTestApp(context), STACK_IDS.registry).hasResourceProperties(
      'AWS::DynamoDB::GlobalTable',
      { TableName: 'warren-registry-staging' },
    );
  });

  it('stops on invalid context before building anything', () => {
    expect(() => buildTestApp({ [APP_CONTEXT_KEYS.brokerCount]: 'three' })).toThrow(
      APP_CONTEXT_KEYS.brokerCount,
    );
  });

  it('leaves every stack environment-agnostic, so synthesis needs no credentials', () => {
    for (const child of buildTestApp().node.children) {
      if (!(child instanceof Stack)) continue;
      expect(child.resolve(child.account)).toEqual({ Ref: 'AWS::AccountId' });
      expect(child.resolve(child.region)).toEqual({ Ref: 'AWS::Region' });
    }
  });
});
