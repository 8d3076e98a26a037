/**
 * warren's public API, the one entry point of the `warren` package (its
 * `exports` map points here): the publisher and the pieces it is assembled
 * from, consumers and their de-duplication stores, the registry, the contract
 * types and the errors a caller can meet. Anything not exported here is
 * internal and may change without notice. Importing it loads nothing of the
 * local fleet (dynalite, rabbitmq-server): that is the `warren dev` command's.
 *
 * Error classes sit with the concept that throws them. Those warren catches
 * itself (a broker refusing a connection, a queue missing on one broker:
 * results and events, not throws) stay internal, as do the CLI's, the local
 * fleet's, the HTTP edge's and the custom resources'.
 *
 * @packageDocumentation
 * @example
 * import { createDynamoDbClients, createPublishService, DynamoDbHealthRegistry } from 'warren';
 *
 * const { documentClient } = createDynamoDbClients();
 * const registry = new DynamoDbHealthRegistry({ client: documentClient, tableName: 'warren-registry' });
 * const service = createPublishService({}, { registry, credentialsFor: async () => ({ username, password }) });
 * const [result] = await service.publisher.publish({ kind: 'queue', queue: 'tasks' }, [{ body: { job: 42 } }]);
 */

// AMQP credentials: the pair a pool or consumer logs in with, optionally kept in Secrets Manager.
export type { AmqpCredentials, AmqpCredentialsSource } from './amqp/amqp-credentials.js';
export { AmqpCredentialsError } from './amqp/amqp-secret.js';
export {
  createSecretCredentialsSource,
  type SecretCredentialsSourceOptions,
} from './amqp/secret-credentials-source.js';

// The HTTP API's typed client, its SigV4 signer for an IAM function URL, and the direct-invoke publisher.
export {
  createDirectInvokePublisher,
  type DirectInvokePublisher,
  type DirectInvokePublisherOptions,
} from './client/direct-invoke-publisher.js';
export { createSigV4Signer, type SigV4SignerOptions } from './client/sigv4-signer.js';
export { WarrenApiError } from './client/warren-api-error.js';
export {
  createWarrenClient,
  type PublishRequestBody,
  type PublishResult,
  type RequestSigner,
  type WarrenClient,
  type WarrenClientOptions,
} from './client/warren-client.js';

// Consumers: one queue drained from every broker, redelivery counting, dead-lettering, de-duplication.
export { type ConsumedMessage, REDELIVERIES_HEADER } from './consume/consumed-message.js';
export {
  type AttachmentState,
  type Consumer,
  type ConsumerEvent,
  type ConsumerOptions,
  type ConsumerStats,
  createConsumer,
  type DedupeOptions,
} from './consume/create-consumer.js';
export { DEAD_LETTER_QUEUE_HEADER, DEAD_LETTER_REASON_HEADER } from './consume/dead-letter.js';
export {
  NoDeadLetterExchangeError,
  QueueNotInTopologyError,
} from './consume/dead-letter-target.js';
// De-duplication stores: the DedupeStore port, in memory and on the registry table.
export {
  type ClaimOutcome,
  createMemoryDedupeStore,
  DedupeClaimLostError,
  type DedupeKey,
  type DedupeRecord,
  type DedupeStore,
  DedupeStoreUnavailableError,
  InvalidDedupeKeyError,
  type MemoryDedupeRecords,
  type MemoryDedupeStoreOptions,
} from './consume/dedupe-store.js';
export {
  DynamoDbDedupeStore,
  type DynamoDbDedupeStoreOptions,
} from './consume/dynamodb-dedupe-store.js';

// The broker model: health (written by the prober) and admin state (written by operators).
export { InvalidAmqpUrlError } from './core/amqp-endpoint.js';
export {
  ADMIN_STATES,
  type AdminState,
  type AdminStateName,
  type BrokerNode,
  type HealthState,
  type HealthStateName,
} from './core/broker-node.js';
export { InvalidNodeIdError } from './core/node-id.js';
// Replicated accept: how many brokers hold a message, as publishers write it and consumers read it.
export {
  DEFAULT_REPLICAS,
  isReplicaCount,
  MAX_REPLICAS,
  MIN_REPLICAS,
  REPLICAS_HEADER,
  replicasOf,
} from './core/replicas.js';

// DynamoDB: the clients the registry and the dedupe store take, and the table they share.
export { createRegistryTable } from './dynamodb/create-registry-table.js';
export { createDynamoDbClients, type DynamoDbClients } from './dynamodb/dynamodb-client.js';
export { DEFAULT_REGISTRY_TABLE_NAME, REGISTRY_TTL_ATTRIBUTE } from './dynamodb/registry-table.js';

// What the HTTP API's GET /v1/nodes and GET /healthz answer, as the client returns it.
export type { HealthResponse, NodesResponse } from './http/openapi-schemas.js';

// What a message's `body` is when the HTTP API read it: its bytes, never built.
export { JsonBytes } from './json/json-bytes.js';

// The publisher: broker choice, pipelined confirms, failover within a deadline; its BrokerPool port
// with the amqplib adapter; and the publish contract shared with the HTTP API and the Lambda.
export {
  type AmqpBrokerPoolOptions,
  createAmqpBrokerPool,
} from './publish/amqp-broker-pool.js';
export type {
  AttemptFailure,
  AttemptOutcome,
  BrokerPool,
  CredentialsFor,
  OutgoingMessage,
  PoolTarget,
} from './publish/broker-pool.js';
export {
  createPublisher,
  DEFAULT_PUBLISHER_POLICY,
  type PublisherOptions,
  type PublisherPolicy,
} from './publish/create-publisher.js';
export type {
  AttemptFailureEvent,
  PublishRouting,
  PublishTelemetry,
  ViewSource,
} from './publish/publish-telemetry.js';
export type {
  Destination,
  FailureCode,
  MessageResult,
  Publisher,
  PublishMessage,
  PublishOptions,
} from './publish/publisher.js';

// The health registry: the HealthRegistry port, the publisher's cached view of it, its DynamoDB
// adapter, and the fleet snapshot publishers read instead of every broker item.
export {
  type CachedFleetView,
  type CachedFleetViewOptions,
  createCachedFleetView,
  DEFAULT_REFRESH_TIMEOUT_MS,
  type FleetView,
  type ReadOptions,
} from './registry/cached-fleet-view.js';
export {
  DynamoDbFleetSnapshots,
  type DynamoDbFleetSnapshotsOptions,
} from './registry/dynamodb-fleet-snapshots.js';
export {
  DynamoDbHealthRegistry,
  type DynamoDbHealthRegistryOptions,
} from './registry/dynamodb-health-registry.js';
export type {
  FleetSnapshots,
  SnapshotPublication,
  SnapshotRead,
} from './registry/fleet-snapshots.js';
export {
  type FleetSnapshot,
  type HealthRegistry,
  type HealthWrite,
  NodeNotFoundError,
  type NodeRegistration,
  type ProberLease,
  RegistryUnavailableError,
  type RejectedItem,
} from './registry/health-registry.js';
export {
  createSnapshotFleetReader,
  type SnapshotFleet,
  type SnapshotFleetReaderOptions,
} from './registry/snapshot-fleet-reader.js';

// Services: one assembly per service, as the Lambdas and the local fleet build them, with their settings.
export {
  createProberService,
  type ProberService,
  type ProberServiceDeps,
} from './service/create-prober-service.js';
export {
  createPublishService,
  type OwnedPublishService,
  type PublishServiceDeps,
} from './service/create-publish-service.js';
export { credentialsFromSource } from './service/credentials-for.js';
export { DEFAULT_PROBER_SETTINGS, type ProberSettings } from './service/prober-settings.js';
export { DEFAULT_PUBLISH_LIMITS, type PublishLimits } from './service/publish-limits.js';
export {
  type AttemptFailureRecord,
  PUBLISH_METRICS,
  type PublishRequestRecord,
  type RequestRouting,
  requestMetrics,
} from './service/publish-metrics.js';
export {
  PublishRequestError,
  type PublishRequestProblem,
} from './service/publish-request-error.js';
export {
  type PublishCallOptions,
  type PublishResponse,
  type PublishService,
  type PublishServiceParts,
  publishService,
} from './service/publish-service.js';
export {
  DEFAULT_PUBLISH_SETTINGS,
  type PublishSettings,
  resolvePublishSettings,
} from './service/publish-settings.js';
export { createPublishTally, type PublishTally } from './service/publish-tally.js';

// Topology: the exchanges, queues and bindings brokers carry, in RabbitMQ's definitions shape.
export {
  defaultTopology,
  loadTopology,
  parseTopology,
  TopologyError,
} from './topology/load-topology.js';
export type {
  BindingDefinition,
  ExchangeDefinition,
  QueueDefinition,
  Topology,
} from './topology/topology.js';
