import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultTopology,
  loadTopology,
  parseTopology,
  TopologyError,
} from '../../src/topology/load-topology.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

/** The shape `rabbitmqctl export_definitions` writes, with the parts warren ignores. */
const exportedDefinitions = {
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

const exchange = (name: string, type = 'topic') => ({ name, type });
const queue = (name: string, args: Record<string, unknown> = {}) => ({ name, arguments: args });
const binding = (source: string, destination: string, destination_type = 'queue') => ({
  source,
  destination,
  destination_type,
});

describe('parseTopology', () => {
  it('accepts the JSON file behind the default topology', async () => {
    const file = fileURLToPath(
      new URL('../../src/topology/default-topology.json', import.meta.url),
    );
    expect(await loadTopology(file)).toStrictEqual(defaultTopology);
  });

  it('accepts an export_definitions document and keeps only exchanges, queues and bindings', () => {
    const topology = parseTopology(exportedDefinitions);
    expect(Object.keys(topology).sort()).toStrictEqual(['bindings', 'exchanges', 'queues']);
    expect(topology.exchanges).toStrictEqual(exportedDefinitions.exchanges);
    expect(topology.queues).toStrictEqual(exportedDefinitions.queues);
    expect(topology.bindings).toStrictEqual(exportedDefinitions.bindings);
  });

  it('fills in the defaults RabbitMQ would apply to a minimal document', () => {
    const topology = parseTopology({
      exchanges: [exchange('events')],
      queues: [{ name: 'tasks' }],
      bindings: [binding('events', 'tasks')],
    });
    expect(topology).toStrictEqual({
      exchanges: [
        {
          name: 'events',
          vhost: '/',
          type: 'topic',
          durable: true,
          auto_delete: false,
          internal: false,
          arguments: {},
        },
      ],
      queues: [{ name: 'tasks', vhost: '/', durable: true, auto_delete: false, arguments: {} }],
      bindings: [
        {
          source: 'events',
          vhost: '/',
          destination: 'tasks',
          destination_type: 'queue',
          routing_key: '',
          arguments: {},
        },
      ],
    });
  });

  it.each([
    ['an empty document', {}],
    [
      'a queue dead-lettering to the default exchange',
      { queues: [queue('q', { 'x-dead-letter-exchange': '' })] },
    ],
    [
      'an exchange-to-exchange binding',
      { exchanges: [exchange('a'), exchange('b')], bindings: [binding('a', 'b', 'exchange')] },
    ],
    ['a name of exactly 255 bytes', { queues: [queue('q'.repeat(255))] }],
  ])('accepts %s', (_case, document) => {
    expect(() => parseTopology(document)).not.toThrow();
  });

  it.each([
    [
      'a queue that is not durable',
      { queues: [{ name: 'q', durable: false }] },
      'queues[0].durable',
      'durable queues',
    ],
    [
      'an exchange that is not durable',
      { exchanges: [{ ...exchange('e'), durable: false }] },
      'exchanges[0].durable',
      'durable exchanges',
    ],
    [
      'an auto-delete queue',
      { queues: [{ name: 'q', auto_delete: true }] },
      'queues[0].auto_delete',
      '',
    ],
    [
      'a queue in a vhost other than "/"',
      { queues: [{ name: 'q', vhost: 'orders' }] },
      'queues[0].vhost',
      'only the default vhost "/"',
    ],
    [
      'an exchange in a vhost other than "/"',
      { exchanges: [{ ...exchange('e'), vhost: 'orders' }] },
      'exchanges[0].vhost',
      'only the default vhost "/"',
    ],
    [
      'a binding in a vhost other than "/"',
      {
        exchanges: [exchange('e')],
        queues: [queue('q')],
        bindings: [{ ...binding('e', 'q'), vhost: 'x' }],
      },
      'bindings[0].vhost',
      'only the default vhost "/"',
    ],
    [
      'an exchange named amq.*',
      { exchanges: [exchange('amq.custom')] },
      'exchanges[0].name',
      'reserved',
    ],
    ['a queue named amq.*', { queues: [queue('amq.gen-123')] }, 'queues[0].name', 'reserved'],
    ['an empty queue name', { queues: [queue('')] }, 'queues[0].name', ''],
    [
      'a name over 255 bytes',
      { queues: [queue('é'.repeat(128))] },
      'queues[0].name',
      'at most 255 bytes',
    ],
    [
      'an unknown exchange type',
      { exchanges: [exchange('e', 'x-delayed-message')] },
      'exchanges[0].type',
      'direct',
    ],
    [
      'a duplicate queue name',
      { queues: [queue('q'), queue('r'), queue('q')] },
      'queues[2].name',
      'duplicate queue "q"',
    ],
    [
      'a duplicate exchange name',
      { exchanges: [exchange('e'), exchange('e', 'fanout')] },
      'exchanges[1].name',
      'duplicate exchange "e"',
    ],
    [
      'a binding from an undeclared exchange',
      { queues: [queue('q')], bindings: [binding('missing', 'q')] },
      'bindings[0].source',
      'exchange "missing" is not declared',
    ],
    [
      'a binding to an undeclared queue',
      { exchanges: [exchange('e')], bindings: [binding('e', 'missing')] },
      'bindings[0].destination',
      'queue "missing" is not declared',
    ],
    [
      'a binding to an undeclared exchange',
      {
        exchanges: [exchange('e')],
        queues: [queue('missing')],
        bindings: [binding('e', 'missing', 'exchange')],
      },
      'bindings[0].destination',
      'exchange "missing" is not declared',
    ],
    [
      'a dead-letter exchange that is not declared',
      { queues: [queue('q', { 'x-dead-letter-exchange': 'dlx' })] },
      'queues[0].arguments["x-dead-letter-exchange"]',
      'dead-letter exchange "dlx" is not declared',
    ],
    ['a document that is not an object', null, '', 'expected object'],
    ['queues that are not a list', { queues: { name: 'q' } }, 'queues', ''],
  ])('rejects %s with a TopologyError naming the problem', (_case, document, path, problem) => {
    const error = thrownBy(() => parseTopology(document, 'topology.json'));
    expect(error).toBeInstanceOf(TopologyError);
    const { message, name, source } = error as TopologyError;
    expect(name).toBe('TopologyError');
    expect(source).toBe('topology.json');
    expect(message.startsWith('topology topology.json: ')).toBe(true);
    if (path !== '') expect(message).toContain(`at ${path}`);
    expect(message).toContain(problem);
  });

  it('reports every dangling reference, not only the first', () => {
    const error = thrownBy(() =>
      parseTopology({ bindings: [binding('nowhere', 'nothing')] }),
    ) as TopologyError;
    expect(error.message).toContain('at bindings[0].source');
    expect(error.message).toContain('at bindings[0].destination');
  });
});

describe('defaultTopology', () => {
  it('declares the durable queue "tasks"', () => {
    expect(defaultTopology.queues.find((q) => q.name === 'tasks')).toMatchObject({
      durable: true,
      auto_delete: false,
    });
  });

  it('declares the durable topic exchange "events"', () => {
    expect(defaultTopology.exchanges.find((e) => e.name === 'events')).toMatchObject({
      type: 'topic',
      durable: true,
    });
  });

  it('dead-letters "tasks" to a declared exchange that routes into a declared queue', () => {
    const tasks = defaultTopology.queues.find((q) => q.name === 'tasks');
    const deadLetterExchange = tasks?.arguments['x-dead-letter-exchange'];
    expect(typeof deadLetterExchange).toBe('string');
    expect(defaultTopology.exchanges.map((e) => e.name)).toContain(deadLetterExchange);
    const routes = defaultTopology.bindings.filter(
      (b) => b.source === deadLetterExchange && b.destination_type === 'queue',
    );
    expect(routes).not.toHaveLength(0);
    const queueNames = defaultTopology.queues.map((q) => q.name);
    for (const route of routes) expect(queueNames).toContain(route.destination);
    expect(routes.map((route) => route.destination)).not.toContain('tasks');
  });
});

describe('loadTopology', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warren-topology-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a definitions file', async () => {
    const file = join(dir, 'definitions.json');
    await writeFile(file, JSON.stringify(exportedDefinitions));
    expect(await loadTopology(file)).toStrictEqual(parseTopology(exportedDefinitions));
  });

  it('rejects a missing file with a TopologyError naming the path', async () => {
    const file = join(dir, 'missing.json');
    const error = await loadTopology(file).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as TopologyError).source).toBe(file);
    expect((error as TopologyError).message).toBe(`topology ${file}: cannot be read`);
    expect((error as TopologyError).cause).toBeDefined();
  });

  it.each([
    ['truncated JSON', '{"queues": ['],
    ['an empty file', ''],
    ['JavaScript rather than JSON', "{ queues: [{ name: 'tasks' }] }"],
  ])('rejects %s with a TopologyError naming the path', async (_case, text) => {
    const file = join(dir, `invalid-${text.length}.json`);
    await writeFile(file, text);
    await expect(loadTopology(file)).rejects.toThrow(TopologyError);
    await expect(loadTopology(file)).rejects.toThrow(`topology ${file}: is not valid JSON`);
  });

  it('rejects a well-formed file with an invalid topology, naming the path and the problem', async () => {
    const file = join(dir, 'not-durable.json');
    await writeFile(file, JSON.stringify({ queues: [{ name: 'tasks', durable: false }] }));
    await expect(loadTopology(file)).rejects.toMatchObject({
      name: 'TopologyError',
      source: file,
      message: expect.stringContaining('at queues[0].durable'),
    });
  });
});
