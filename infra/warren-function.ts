import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTION_BUNDLING, FUNCTION_ENVIRONMENT } from './function-bundling.js';

export interface WarrenFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'bundling'> {
  /** File under `functions/` without its extension, e.g. `publish`. */
  readonly name: string;
}

/**
 * A warren Lambda function: `functions/<name>.ts` bundled locally by esbuild,
 * Node.js 22 on arm64, logs kept one month.
 *
 * @example new WarrenFunction(this, 'Publish', { name: 'publish', environment: { … } });
 */
export class WarrenFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: WarrenFunctionProps) {
    const { name, environment, ...rest } = props;
    super(scope, id, {
      ...rest,
      entry: new URL(`../functions/${name}.ts`, import.meta.url).pathname,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      bundling: FUNCTION_BUNDLING,
      environment: { ...FUNCTION_ENVIRONMENT, ...environment },
      logGroup:
        rest.logGroup ??
        new LogGroup(scope, `${id}Logs`, {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
    });
    const acknowledge = Validations.of(this);
    acknowledge.acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: the bundle targets it and it is the LTS warren is tested on',
    });
    for (const policy of ['AWSLambdaBasicExecutionRole', 'AWSLambdaVPCAccessExecutionRole']) {
      acknowledge.acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        reason: `${policy} is AWS's minimal policy for writing the function's logs (and managing its VPC network interfaces); a hand-written copy would only drift from it`,
      });
    }
  }
}
