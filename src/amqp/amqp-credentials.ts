import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { AmqpCredentialsConfig } from '../config.js';

export interface AmqpCredentials {
  readonly username: string;
  readonly password: string;
}

/** The credentials could not be had; the message names the secret and what is wrong, never its value. */
export class AmqpCredentialsError extends Error {
  readonly secretArn: string;
  constructor(secretArn: string, message: string, options?: ErrorOptions) {
    super(`AMQP credentials secret ${secretArn}: ${message}`, options);
    this.name = 'AmqpCredentialsError';
    this.secretArn = secretArn;
  }
}

const secretShape = z.object({ username: z.string().min(1), password: z.string().min(1) });

export interface AmqpCredentialsSource {
  /** The credentials: the configured pair, or the secret, fetched once and kept. */
  get(): Promise<AmqpCredentials>;
  /** Drops a kept secret, so the next `get` reads it again: after brokers refused it, it may have rotated. */
  forget(): void;
}

/**
 * The brokers' AMQP credentials: the configured pair, or the Secrets Manager
 * secret, fetched on first use and kept for the life of the container until
 * `forget()`. A failed fetch is not kept, so the next call retries.
 *
 * @example const credentials = createAmqpCredentialsSource(config.amqpCredentials, { secretsManager: new SecretsManagerClient({}) });
 * const { username, password } = await credentials.get();
 */
export function createAmqpCredentialsSource(
  config: AmqpCredentialsConfig,
  clients: { readonly secretsManager?: SecretsManagerClient } = {},
): AmqpCredentialsSource {
  if (config.source === 'env') {
    const credentials = { username: config.username, password: config.password };
    return { get: async () => credentials, forget: () => undefined };
  }
  const { secretsManager } = clients;
  if (!secretsManager)
    throw new AmqpCredentialsError(config.secretArn, 'no Secrets Manager client to read it with');
  let cached: Promise<AmqpCredentials> | undefined;
  return {
    get() {
      cached ??= fetchSecret(secretsManager, config.secretArn).catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
    forget() {
      cached = undefined;
    },
  };
}

async function fetchSecret(client: SecretsManagerClient, secretArn: string) {
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(
      new GetSecretValueCommand({ SecretId: secretArn }),
    ));
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new AmqpCredentialsError(secretArn, `could not be read (${reason})`, { cause: error });
  }
  if (secretString === undefined)
    throw new AmqpCredentialsError(
      secretArn,
      'has no SecretString (binary secrets are not supported)',
    );
  return parseAmqpSecret(secretArn, secretString);
}

/**
 * Validates a secret's SecretString as `{"username": "...", "password": "..."}`.
 * Errors name the missing or invalid fields only: JSON.parse's own message
 * quotes the input, so it is never passed on, not even as `cause`.
 *
 * @example parseAmqpSecret(arn, '{"username":"warren","password":"s3cret"}').username // 'warren'
 */
export function parseAmqpSecret(secretArn: string, secretString: string): AmqpCredentials {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new AmqpCredentialsError(secretArn, 'is not JSON (expected {"username","password"})');
  }
  const result = secretShape.safeParse(json);
  if (!result.success) {
    const fields = [
      ...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)')),
    ];
    throw new AmqpCredentialsError(
      secretArn,
      `must be JSON {"username","password"} with non-empty strings; missing or invalid: ${fields.join(', ')}`,
    );
  }
  return { username: result.data.username, password: result.data.password };
}
