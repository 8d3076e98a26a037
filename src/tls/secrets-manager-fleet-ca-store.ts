import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type FleetCaStore, FleetCaStoreError } from './fleet-ca-store.js';

/**
 * The fleet CA in a Secrets Manager secret (needs `secretsmanager:GetSecretValue`
 * and `secretsmanager:PutSecretValue` on it).
 *
 * @example const store = new SecretsManagerFleetCaStore(new SecretsManagerClient({}), secretArn);
 */
export class SecretsManagerFleetCaStore implements FleetCaStore {
  readonly #client: SecretsManagerClient;
  readonly #secretId: string;

  constructor(client: SecretsManagerClient, secretId: string) {
    this.#client = client;
    this.#secretId = secretId;
  }

  async read(): Promise<string | undefined> {
    try {
      const { SecretString } = await this.#client.send(
        new GetSecretValueCommand({ SecretId: this.#secretId }),
      );
      return SecretString;
    } catch (error) {
      throw this.#error('could not be read', error);
    }
  }

  async write(secretString: string): Promise<void> {
    try {
      await this.#client.send(
        new PutSecretValueCommand({ SecretId: this.#secretId, SecretString: secretString }),
      );
    } catch (error) {
      throw this.#error('could not be written', error);
    }
  }

  #error(what: string, error: unknown): FleetCaStoreError {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new FleetCaStoreError(this.#secretId, `${what} (${reason})`, { cause: error });
  }
}
