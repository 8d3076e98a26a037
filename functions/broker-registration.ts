/**
 * The on-event function of the `Provider` behind every broker stack's
 * `Custom::WarrenBroker` resource: registers the broker in the registry when
 * its stack is deployed and retires it when the stack is destroyed. A
 * composition root: config and clients are built once per container, at module
 * scope.
 */
import { readConfig } from '../src/config.js';
import { createBrokerRegistrationResource } from '../src/custom-resource/broker-registration-resource.js';
import { createDynamoDbClients } from '../src/dynamodb/dynamodb-client.js';
import { DynamoDbHealthRegistry } from '../src/registry/dynamodb-health-registry.js';

// A bad configuration fails the init, which the Provider framework, invoking this
// function synchronously, reports to CloudFormation as FAILED with the error's message.
const { registryTableName } = readConfig(process.env);
const { documentClient } = createDynamoDbClients();
const registry = new DynamoDbHealthRegistry({
  client: documentClient,
  tableName: registryTableName,
});

export const handler = createBrokerRegistrationResource({ registry, now: () => new Date() });
