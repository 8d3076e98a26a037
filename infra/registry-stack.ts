import {
  CfnOutput,
  CustomResource,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type ITableV2,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type CfnFunction, FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Provider } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { ENV } from '../src/config.js';
import {
  DEFAULT_REGISTRY_TABLE_NAME,
  REGISTRY_KEYS,
  REGISTRY_TTL_ATTRIBUTE,
} from '../src/dynamodb/registry-table.js';
import { CERTIFICATE_ISSUER_ENV } from '../src/tls/certificate-issuer-config.js';
import { WarrenFunction } from './warren-function.js';

/** SSM parameter holding the fleet CA certificate (public), for consumers and operators to trust. */
export const CA_CERTIFICATE_PARAMETER = '/warren/fleet-ca-certificate';

/** The user every broker creates and every client logs in as. */
export const AMQP_USERNAME = 'warren';

export interface RegistryStackProps extends StackProps {
  /**
   * Physical name of the registry table.
   *
   * @default DEFAULT_REGISTRY_TABLE_NAME ('warren-registry'), the name the local fleet uses
   */
  readonly tableName?: string;
}

/**
 * warren's long-lived state: the DynamoDB health registry (the prober writes it,
 * publishers read it), the brokers' AMQP credentials, and the fleet's private
 * certificate authority; plus the function through which broker stacks join
 * and leave the registry, and the certificate issuer, the only code that reads
 * the CA key: brokers send it a CSR and get a certificate for the instance
 * they are, so no broker can mint a certificate for another.
 *
 * The table outlives the stack (retained, deletion-protected, point-in-time
 * recovery) because it holds operator decisions (admin states such as
 * `draining`) that a redeploy must not silently reset. The secrets are
 * retained too: a redeploy must not log every client out or re-key the fleet.
 *
 * @example
 * const registry = new RegistryStack(app, 'WarrenRegistry');
 * registry.table.grantReadWriteData(proberFunction);
 */
export class RegistryStack extends Stack {
  /** The registry table, for stacks that grant the prober and publisher access to it. */
  public readonly table: ITableV2;
  /** JSON `{ "username", "password" }`: the one RabbitMQ user of every broker. */
  public readonly credentialsSecret: ISecret;
  /** JSON `{ "certificatePem", "privateKeyPem" }`: read only by the CA custom resource and the certificate issuer. */
  public readonly certificateAuthoritySecret: ISecret;
  /** The fleet CA's certificate (PEM), which clients trust for AMQPS and the management API. */
  public readonly certificateAuthorityPem: string;
  /** Service token of `Custom::WarrenBroker` (a `Provider`'s): registers a broker, and retires it on delete. */
  public readonly registrationServiceToken: string;
  /** Signs broker CSRs; brokers call it through `certificateIssuerUrl` (grant them `grantInvokeUrl`). */
  public readonly certificateIssuer: IFunction;
  /** The issuer's function URL (AWS_IAM auth): POST `{"csrPem"}` signed with SigV4, service `lambda`. */
  public readonly certificateIssuerUrl: string;

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
      // Only dedupe records carry the TTL attribute; broker and lease items never do, so a
      // broker that stops being probed stays visible (as stale) instead of vanishing.
      timeToLiveAttribute: REGISTRY_TTL_ATTRIBUTE,
    });

    this.credentialsSecret = new Secret(this, 'AmqpCredentials', {
      description: 'warren: RabbitMQ user of every broker',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: AMQP_USERNAME }),
        generateStringKey: 'password',
        // URL-safe: the password ends up in amqps:// URLs.
        excludePunctuation: true,
        passwordLength: 40,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.credentialsSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotation changes the RabbitMQ user on every broker (warren-sync-credentials over SSM): an operator runbook in docs/operations.md, not a rotation Lambda',
    });

    // Starts as a placeholder; the custom resource below writes the CA into it once.
    this.certificateAuthoritySecret = new Secret(this, 'CertificateAuthority', {
      description:
        'warren: fleet certificate authority (the certificate issuer signs broker TLS certificates with it)',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.certificateAuthoritySecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'A CA key is not a password: the certificate issuer signs broker certificates with it daily; replacing the CA is a documented manual procedure',
    });
    const caFunction = new WarrenFunction(this, 'FleetCaFunction', {
      name: 'fleet-ca',
      description: 'warren: creates the fleet certificate authority once',
      memorySize: 512,
      timeout: Duration.minutes(1),
    });
    this.certificateAuthoritySecret.grantRead(caFunction);
    this.certificateAuthoritySecret.grantWrite(caFunction);
    const certificateAuthority = new CustomResource(this, 'FleetCa', {
      serviceToken: customResourceProvider(this, 'FleetCaProvider', caFunction).serviceToken,
      resourceType: 'Custom::WarrenFleetCa',
      properties: { SecretArn: this.certificateAuthoritySecret.secretArn },
    });
    this.certificateAuthorityPem = certificateAuthority.getAttString('CertificatePem');
    new StringParameter(this, 'FleetCaCertificate', {
      parameterName: CA_CERTIFICATE_PARAMETER,
      description: "warren: fleet CA certificate (PEM) that brokers' TLS certificates chain to",
      stringValue: this.certificateAuthorityPem,
    });

    // Brokers never read the CA key: they send a CSR to this function, which alone can.
    const issuer = new WarrenFunction(this, 'CertificateIssuerFunction', {
      name: 'certificate-issuer',
      description:
        'warren: signs a broker CSR with the fleet CA for the calling instance private IP and DNS name',
      // More memory is more CPU for node-forge's RSA signature (pure JavaScript).
      memorySize: 512,
      timeout: Duration.seconds(30),
      environment: {
        [CERTIFICATE_ISSUER_ENV.caSecretArn]: this.certificateAuthoritySecret.secretArn,
      },
    });
    this.certificateAuthoritySecret.grantRead(issuer);
    issuer.addToRolePolicy(
      new PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }),
    );
    Validations.of(issuer).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeInstances supports no resource-level permissions',
    });
    // AWS_IAM: Lambda verifies the SigV4 signature and hands the caller's session ARN to the function.
    const issuerUrl = issuer.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    this.certificateIssuer = issuer;
    this.certificateIssuerUrl = issuerUrl.url;

    const registration = new WarrenFunction(this, 'RegistrationFunction', {
      name: 'broker-registration',
      description: 'warren: registers a broker stack in the registry and retires it on delete',
      timeout: Duration.seconds(30),
      environment: { [ENV.registryTable]: this.table.tableName },
    });
    this.table.grant(registration, 'dynamodb:Query', 'dynamodb:UpdateItem');
    // One provider for the whole fleet: every broker stack's resource names its framework function.
    this.registrationServiceToken = customResourceProvider(
      this,
      'RegistrationProvider',
      registration,
    ).serviceToken;

    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'Name of the warren health registry table',
    });
    new CfnOutput(this, 'AmqpCredentialsSecretArn', {
      value: this.credentialsSecret.secretArn,
      description: "Secret holding the brokers' AMQP user and password",
    });
  }
}

/**
 * CDK's custom resource provider framework in front of `onEventHandler`: its
 * own function answers CloudFormation (SUCCESS with what the handler returned,
 * FAILED when it threw), so a warren function never has to. Its log group is
 * kept a month, like warren's own (the default would keep it forever).
 */
function customResourceProvider(
  scope: Construct,
  id: string,
  onEventHandler: WarrenFunction,
): Provider {
  const provider = new Provider(scope, id, {
    onEventHandler,
    logGroup: new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
  });
  // Both findings are on the framework's own function, which CDK writes and maintains.
  const onEventId = Stack.of(scope).getLogicalId(onEventHandler.node.defaultChild as CfnFunction);
  Validations.of(provider).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "The provider framework's function gets AWS's minimal policy for writing its logs, as every warren function does",
    },
    {
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${onEventId}.Arn>:*]`,
      reason:
        "The provider framework's function may invoke the on-event function's versions and aliases (`<arn>:*`), and no other function",
    },
  );
  return provider;
}
