import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultTopology, loadTopology, parseTopology } from '../../src/topology/load-topology.js';
import { binding, exchange, exportedDefinitions, queue } from './topology-fixtures.js';

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
});
