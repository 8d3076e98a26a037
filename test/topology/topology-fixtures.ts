/** Topology documents and builders the topology tests share. */

/** The shape `rabbitmqctl export_definitions` writes, with the parts warren ignores. */
export const exportedDefinitions = {
  rabbit_version: '3.13.7',
  rabbitmq_version: '3.13.7',
  product_name: 'RabbitMQ',
  product_version: '3.13.7',
  users: [
    {
      name: 'guest',
      password_hash: 'aGFzaGVkLXBhc3N3b3Jk',
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: ['administrator'],
      limits: {},
    },
  ],
  vhosts: [{ name: '/', description: 'Default virtual host', tags: [], metadata: {} }],
  permissions: [{ user: 'guest', vhost: '/', configure: '.*', write: '.*', read: '.*' }],
  topic_permissions: [],
  parameters: [],
  global_parameters: [{ name: 'internal_cluster_id', value: 'rabbitmq-cluster-id-abc' }],
  policies: [
    {
      vhost: '/',
      name: 'bounded',
      pattern: '^orders$',
      'apply-to': 'queues',
      definition: { 'max-length': 10000 },
      priority: 0,
    },
  ],
  queues: [
    {
      name: 'orders',
      vhost: '/',
      durable: true,
      auto_delete: false,
      arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-exchange': 'orders.dlx' },
    },
    { name: 'orders.dead', vhost: '/', durable: true, auto_delete: false, arguments: {} },
  ],
  exchanges: [
    {
      name: 'orders',
      vhost: '/',
      type: 'direct',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    },
    {
      name: 'orders.dlx',
      vhost: '/',
      type: 'fanout',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    },
    {
      name: 'audit',
      vhost: '/',
      type: 'headers',
      durable: true,
      auto_delete: false,
      internal: true,
      arguments: {},
    },
  ],
  bindings: [
    {
      source: 'orders',
      vhost: '/',
      destination: 'orders',
      destination_type: 'queue',
      routing_key: 'created',
      arguments: {},
    },
    {
      source: 'orders.dlx',
      vhost: '/',
      destination: 'orders.dead',
      destination_type: 'queue',
      routing_key: '',
      arguments: {},
    },
    {
      source: 'orders',
      vhost: '/',
      destination: 'audit',
      destination_type: 'exchange',
      routing_key: '#',
      arguments: { 'x-match': 'any' },
    },
  ],
};

export const exchange = (name: string, type = 'topic') => ({ name, type });
export const queue = (name: string, args: Record<string, unknown> = {}) => ({
  name,
  arguments: args,
});
export const binding = (source: string, destination: string, destination_type = 'queue') => ({
  source,
  destination,
  destination_type,
});
