import { dynamoDbCalls } from '../dynamodb/dynamodb-call.js';
import { RegistryUnavailableError } from './health-registry.js';

/** DynamoDB calls on the registry table, failing as `RegistryUnavailableError`. */
export type RegistryCalls = ReturnType<typeof dynamoDbCalls>;

/**
 * The registry's wrapper for its DynamoDB calls: every failure but a refused
 * condition becomes a `RegistryUnavailableError` naming the action and table.
 *
 * @example const calls = registryCalls('warren-registry'); await calls.send('read broker b1', () => client.send(get));
 */
export function registryCalls(tableName: string): RegistryCalls {
  return dynamoDbCalls(
    (message, cause) => new RegistryUnavailableError(message, { cause }),
    tableName,
  );
}
