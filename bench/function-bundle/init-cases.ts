/** The init cases, each with the environment a deployed function gets. */
import { FUNCTION_ENVIRONMENT } from '../../infra/function-bundling.js';
import { ENV } from '../../src/config.js';
import { generateFleetCa } from '../../src/tls/generate-fleet-ca.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import type { BuildName, Bundle } from './builds.js';
import type { Case } from './init-runner.js';

/**
 * `FUNCTION_ENVIRONMENT`, the function's `WARREN_*` variables (a secret ARN, a CA
 * certificate, the topology), region and dummy credentials. The first case is the
 * empty module and the second the raw baseline: the report's ratios rely on it.
 */
export function initCases(
  bundles: Record<BuildName, Bundle>,
  empty: string,
  sdkExternalFile: string,
): Case[] {
  // The certificate a deployed function gets: made as the fleet-ca custom resource makes it.
  const caCertPem = generateFleetCa({ now: new Date() }).certificatePem;
  const lambda = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIAWARRENBENCH00000',
    AWS_SECRET_ACCESS_KEY: 'warren-bench',
    AWS_SESSION_TOKEN: 'warren-bench',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    // Node 20 here; on the Lambda runtime (Node 22) the SDK has nothing to warn about.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const shared = {
    [ENV.registryTable]: 'warren-registry',
    [ENV.probeIntervalMs]: '15000',
    [ENV.amqpSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:warren-amqp-AbCdEf',
    [ENV.amqpCaCert]: caCertPem,
  };
  const publishEnvWithoutSourceMaps = {
    ...lambda,
    ...shared,
    [ENV.topology]: JSON.stringify(defaultTopology),
    AWS_LAMBDA_FUNCTION_NAME: 'WarrenService-Publish',
  };
  const publishEnv = { ...FUNCTION_ENVIRONMENT, ...publishEnvWithoutSourceMaps };
  const proberEnv = {
    ...FUNCTION_ENVIRONMENT,
    ...lambda,
    ...shared,
    [ENV.probeRounds]: '4',
    AWS_LAMBDA_FUNCTION_NAME: 'WarrenService-Prober',
  };

  return [
    {
      name: 'empty module (Node start-up)',
      file: empty,
      env: { ...FUNCTION_ENVIRONMENT, ...lambda },
    },
    {
      name: 'raw: amqplib + DynamoDB client',
      file: bundles.raw.file,
      env: { ...FUNCTION_ENVIRONMENT, ...lambda },
    },
    { name: 'publish (as deployed)', file: bundles.publish.file, env: publishEnv },
    { name: 'prober (as deployed)', file: bundles.prober.file, env: proberEnv },
    {
      name: 'publish, no --enable-source-maps',
      file: bundles.publish.file,
      env: publishEnvWithoutSourceMaps,
    },
    { name: 'publish, SDK external', file: sdkExternalFile, env: publishEnv },
    { name: 'publish, CommonJS', file: bundles.publishCjs.file, env: publishEnv },
  ];
}
