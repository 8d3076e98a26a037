import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type ITableV2,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { DEFAULT_REGISTRY_TABLE_NAME, REGISTRY_KEYS } from '../src/registry/registry-table.js';

export interface RegistryStackProps extends StackProps {
  /**
   * Physical name of the registry table.
   *
   * @default DEFAULT_REGISTRY_TABLE_NAME ('warren-registry'), the name the local fleet uses
   */
  readonly tableName?: string;
}

/**
 * The DynamoDB health registry: one table the prober writes and publishers read.
 *
 * The table outlives the stack (retained, deletion-protected, point-in-time
 * recovery) because it holds operator decisions (admin states such as
 * `draining`) that a redeploy must not silently reset.
 *
 * @example
 * const registry = new RegistryStack(app, 'WarrenRegistry');
 * registry.table.grantReadWriteData(proberFunction);
 */
export class RegistryStack extends Stack {
  /** The registry table, for stacks that grant the prober and publisher access to it. */
  public readonly table: ITableV2;

  constructor(scope: Construct, id: string, props: RegistryStackProps = {}) {
    super(scope, id, props);

    this.table = new TableV2(this, 'Table', {
      tableName: props.tableName ?? DEFAULT_REGISTRY_TABLE_NAME,
      partitionKey: { name: REGISTRY_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: REGISTRY_KEYS.sortKey, type: AttributeType.STRING },
      // A fleet of tens of brokers probed every minute is a small, spiky load: on-demand fits.
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // No TTL attribute on purpose: staleness is derived from the last probe time,
      // so a broker that stops being probed stays visible (as stale) instead of vanishing.
    });

    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'Name of the warren health registry table',
    });
  }
}
