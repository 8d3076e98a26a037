import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbClients {
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
}

/**
 * DynamoDB clients for the registry. Without `endpoint`, the SDK's own chain
 * applies (`AWS_ENDPOINT_URL_DYNAMODB`, region, credentials).
 */
export function createDynamoDbClients(
  options: { endpoint?: string; region?: string } = {},
): DynamoDbClients {
  const local = options.endpoint !== undefined;
  const client = new DynamoDBClient({
    ...(options.endpoint && { endpoint: options.endpoint }),
    // dynalite accepts any credentials; local use must not depend on an AWS profile.
    ...(local && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    region: options.region ?? (local ? 'us-east-1' : undefined),
    maxAttempts: 3,
    // A registry that drops packets must fail a read in seconds, not hang the prober or the CLI.
    // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only logs a warning at
    // requestTimeout and the request waits on (found by bench/soak.ts's registry cut).
    requestHandler: {
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      throwOnRequestTimeout: true,
    },
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, documentClient };
}
