/**
 * The service token of every broker stack's `Custom::WarrenBroker` resource:
 * registers the broker in the registry when its stack is deployed and retires
 * it when the stack is destroyed. A composition root: config and clients are
 * built once per container, at module scope.
 */
import { readConfig } from '../src/config.js';
import { createBrokerRegistrationResource } from '../src/custom-resource/broker-registration-resource.js';
import { createCustomResourceHandler } from '../src/custom-resource/create-custom-resource-handler.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';

// Built inside the handler factory: a bad configuration becomes a FAILED answer to
// CloudFormation rather than an init crash it would wait an hour to hear about.
export const handler = createCustomResourceHandler(() => {
  const { registryTableName } = readConfig(process.env);
  const { documentClient } = createDynamoDbClients();
  const registry = new DynamoDbHealthRegistry({
    client: documentClient,
    tableName: registryTableName,
  });
  return createBrokerRegistrationResource({ registry, now: () => new Date() });
});
