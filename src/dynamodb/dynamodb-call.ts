import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Wraps DynamoDB calls for an adapter: every SDK failure becomes the adapter's
 * own error (`unavailable`, with the SDK error as `cause`), and a conditional
 * write whose condition failed is an expected answer, not an error.
 *
 * @example
 * const calls = dynamoDbCalls((message, cause) => new RegistryUnavailableError(message, { cause }), tableName);
 * const outcome = await calls.conditional('set broker b1 draining', 'missing', () => client.send(update));
 */
export function dynamoDbCalls(
  unavailable: (message: string, cause: unknown) => Error,
  tableName: string,
) {
  const wrap = (action: string, error: unknown) =>
    unavailable(`cannot ${action} in table ${tableName}: ${(error as Error).message}`, error);
  return {
    async send<T>(action: string, call: () => Promise<T>): Promise<T> {
      try {
        return await call();
      } catch (error) {
        throw wrap(action, error);
      }
    },
    async conditional<T, F>(
      action: string,
      onConditionFailed: F,
      call: () => Promise<T>,
    ): Promise<T | F> {
      try {
        return await call();
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return onConditionFailed;
        throw wrap(action, error);
      }
    },
  };
}
