import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AmqpCredentialsError } from './amqp-secret.js';
import { createSecretCredentialsSource } from './secret-credentials-source.js';

/** Where the functions get the brokers' AMQP credentials: a secret in AWS, a plain pair locally. */
export type AmqpCredentialsConfig =
  | {
      readonly source: 'secret';
      readonly secretArn: string;
      /**
       * `WARREN_AMQP_SECRET_MAX_AGE_MS`: how long a read secret is used before it
       * is read again (a broker refusing it has it read at once). Default 5 minutes.
       */
      readonly maxAgeMs: number;
    }
  | { readonly source: 'env'; readonly username: string; readonly password: string };

export interface AmqpCredentials {
  readonly username: string;
  readonly password: string;
}

export interface AmqpCredentialsSource {
  /** The credentials: the configured pair, or the secret as last read, read again once older than its max age. */
  get(): Promise<AmqpCredentials>;
  /**
   * After a broker refused `refused`: the secret's current credentials, which
   * differ from `refused` when it has been rotated. Concurrent callers share one
   * read, and none is made when the credentials held are already newer than `refused`.
   */
  refresh(refused: AmqpCredentials): Promise<AmqpCredentials>;
}

/**
 * The brokers' AMQP credentials: the configured pair, or the Secrets Manager
 * secret, read through Powertools Parameters and kept for `maxAgeMs`; a broker
 * refusing them has the secret read again at once (`refresh`). A failed read is
 * not kept, so the next call retries.
 *
 * @example const credentials = createAmqpCredentialsSource(config.amqpCredentials, { secretsManager: new SecretsManagerClient({}) });
 * const pool = createAmqpBrokerPool({
 *   credentialsFor: (_target, refused) => (refused ? credentials.refresh(refused) : credentials.get()),
 * });
 */
export function createAmqpCredentialsSource(
  config: AmqpCredentialsConfig,
  clients: { readonly secretsManager?: SecretsManagerClient } = {},
): AmqpCredentialsSource {
  if (config.source === 'env') {
    const credentials = { username: config.username, password: config.password };
    return { get: async () => credentials, refresh: async () => credentials };
  }
  const { secretsManager } = clients;
  if (!secretsManager)
    throw new AmqpCredentialsError(config.secretArn, 'no Secrets Manager client to read it with');
  return createSecretCredentialsSource({ ...config, secretsManager });
}
