import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AmqpCredentials, createAmqpCredentialsSource } from '../amqp/amqp-credentials.js';
import { ENV, readAmqpCredentialsConfig } from '../config.js';
import { LOCAL_CREDENTIALS } from '../fleet/local-brokers.js';
import type { RegistryTargetOptions } from './registry-target.js';

/**
 * Credentials for the brokers a CLI command talks to: the local fleet keeps
 * RabbitMQ's default user; a deployment's come from `WARREN_AMQP_SECRET_ARN` or
 * `WARREN_AMQP_USERNAME` + `WARREN_AMQP_PASSWORD`.
 */
export async function brokerCredentials(
  target: RegistryTargetOptions,
  env: NodeJS.ProcessEnv,
): Promise<AmqpCredentials> {
  const remote =
    target.table !== undefined ||
    (target.dataDir === undefined && env[ENV.registryTable] !== undefined);
  if (!remote) return LOCAL_CREDENTIALS;
  const config = readAmqpCredentialsConfig(env);
  const source = createAmqpCredentialsSource(config, {
    ...(config.source === 'secret' && { secretsManager: new SecretsManagerClient({}) }),
  });
  return source.get();
}
