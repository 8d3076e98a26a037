import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AmqpCredentials, AmqpCredentialsSource } from './amqp-credentials.js';
import { AmqpCredentialsError, parseAmqpSecret } from './amqp-secret.js';

export interface SecretCredentialsSourceOptions {
  readonly secretArn: string;
  /** How long a read secret is used before it is read again; whole seconds (Powertools' unit). */
  readonly maxAgeMs: number;
  readonly secretsManager: SecretsManagerClient;
}

/**
 * AMQP credentials from a Secrets Manager secret, cached by Powertools
 * Parameters for `maxAgeMs`. `get` shares one read among concurrent callers
 * once the cache has expired; `refresh` forces one read, shared the same way,
 * after a broker refused the credentials (skipped when those held are already
 * newer). Errors name the secret, never its value.
 *
 * @example const source = createSecretCredentialsSource({ secretArn, maxAgeMs: 300_000, secretsManager: new SecretsManagerClient({}) });
 * const next = await source.refresh(await source.get()); // after ACCESS_REFUSED
 */
export function createSecretCredentialsSource(
  options: SecretCredentialsSourceOptions,
): AmqpCredentialsSource {
  const { secretArn } = options;
  const provider = new SecretsProvider({ awsSdkV3Client: options.secretsManager });
  const maxAge = options.maxAgeMs / 1_000; // Powertools counts a value's age in seconds
  let held: { readonly secretString: string; readonly credentials: AmqpCredentials } | undefined;
  let reading: Promise<AmqpCredentials> | undefined;
  let forcing: Promise<AmqpCredentials> | undefined;

  const read = async (forceFetch: boolean): Promise<AmqpCredentials> => {
    let value: string | Uint8Array | undefined;
    try {
      // No `transform: 'json'`: Powertools' transform error carries JSON.parse's
      // message, which quotes the secret; parseAmqpSecret names fields only.
      value = await provider.get(secretArn, { maxAge, forceFetch });
    } catch (error) {
      throw new AmqpCredentialsError(secretArn, `could not be read (${describe(error)})`, {
        cause: error,
      });
    }
    if (held !== undefined && held.secretString === value) return held.credentials;
    try {
      if (typeof value !== 'string')
        throw new AmqpCredentialsError(
          secretArn,
          'has no SecretString (binary secrets are not supported)',
        );
      held = { secretString: value, credentials: parseAmqpSecret(secretArn, value) };
      return held.credentials;
    } catch (error) {
      // Powertools has cached the unusable value: drop it, so a fixed secret is read at the next call.
      provider.clearCache();
      throw error;
    }
  };

  return {
    get() {
      if (forcing !== undefined) return forcing;
      reading ??= read(false).finally(() => {
        reading = undefined;
      });
      return reading;
    },
    async refresh(refused) {
      // A read under way (the cache had expired) may already bring the rotated secret.
      if (reading !== undefined && forcing === undefined) await reading.catch(() => undefined);
      if (held && !sameCredentials(held.credentials, refused)) return held.credentials;
      forcing ??= read(true).finally(() => {
        forcing = undefined;
      });
      return forcing;
    },
  };
}

function sameCredentials(a: AmqpCredentials, b: AmqpCredentials): boolean {
  return a.username === b.username && a.password === b.password;
}

/** The SDK's error behind Powertools' wrapper: its name says what failed (ResourceNotFoundException, …). */
function describe(error: unknown): string {
  const reason =
    error instanceof GetParameterError && error.cause !== undefined ? error.cause : error;
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}
