import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readAppConfig } from './app-config.js';
import { BrokerStack } from './broker-stack.js';
import { NetworkStack } from './network-stack.js';
import { RegistryStack } from './registry-stack.js';
import { ServiceStack } from './service-stack.js';

/** Construct ids of warren's stacks, which are also their CloudFormation stack names. */
export const STACK_IDS = {
  network: 'WarrenNetwork',
  registry: 'WarrenRegistry',
  service: 'WarrenService',
  broker: (nodeId: string) => `WarrenBroker-${nodeId}`,
} as const;

/** Broker ids of a fleet of `count`: `b1`..`bN`, the same ids the local fleet uses. */
export function brokerIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `b${index + 1}`);
}

/**
 * Adds every warren stack to `app` and the cdk-nag AwsSolutions checks. The
 * entry point (`infra/app.ts`) and the infra tests both go through here, so
 * what the tests check is what deploys.
 *
 * Stacks are environment-agnostic (no account or region) so `cdk synth` needs
 * no credentials and no context lookups; `cdk deploy` takes the environment
 * from the caller's AWS profile.
 *
 * @example
 * const app = buildApp(new App());
 * app.synth();
 */
export function buildApp(app: App): App {
  const config = readAppConfig(app.node);
  const network = new NetworkStack(app, STACK_IDS.network, {
    description: 'warren: VPC, client security groups and the alarm topic',
    natGateways: config.natGateways,
  });
  const registry = new RegistryStack(app, STACK_IDS.registry, {
    description: 'warren: health registry, broker credentials and fleet certificate authority',
    tableName: config.registryTableName,
  });
  for (const [index, nodeId] of brokerIds(config.brokerCount).entries()) {
    new BrokerStack(app, STACK_IDS.broker(nodeId), {
      description: `warren: RabbitMQ broker ${nodeId}`,
      nodeId,
      zoneIndex: index,
      vpc: network.vpc,
      clientSecurityGroups: [network.publisherSecurityGroup, network.consumerSecurityGroup],
      proberSecurityGroup: network.proberSecurityGroup,
      credentialsSecret: registry.credentialsSecret,
      certificateIssuer: registry.certificateIssuer,
      certificateIssuerUrl: registry.certificateIssuerUrl,
      registrationServiceToken: registry.registrationServiceToken,
      alarmTopic: network.alarmTopic,
      instanceType: config.brokerInstanceType,
      dataVolumeGiB: config.brokerDataVolumeGiB,
      rabbitmqVersion: config.rabbitmqVersion,
      erlangMajor: config.erlangMajor,
      topology: config.topology,
    });
  }
  new ServiceStack(app, STACK_IDS.service, {
    description: 'warren: publish and prober functions, alarms and dashboard',
    vpc: network.vpc,
    publisherSecurityGroup: network.publisherSecurityGroup,
    proberSecurityGroup: network.proberSecurityGroup,
    table: registry.table,
    credentialsSecret: registry.credentialsSecret,
    certificateAuthorityPem: registry.certificateAuthorityPem,
    topology: config.topology,
    publishers: config.publishers,
    replicas: config.replicas,
    subsetSize: config.subsetSize,
    registrySnapshotCopies: config.registrySnapshotCopies,
    alarmTopic: network.alarmTopic,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}
