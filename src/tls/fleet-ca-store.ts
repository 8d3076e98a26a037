/** Where the fleet CA is kept: one secret value, read and written whole. */
export interface FleetCaStore {
  /** The current value; undefined when it has no string value. */
  read(): Promise<string | undefined>;
  write(secretString: string): Promise<void>;
}

/** The store could not be read or written; names the secret, never its value. */
export class FleetCaStoreError extends Error {
  readonly secretId: string;
  constructor(secretId: string, message: string, options?: ErrorOptions) {
    super(`fleet CA secret ${secretId}: ${message}`, options);
    this.name = 'FleetCaStoreError';
    this.secretId = secretId;
  }
}
