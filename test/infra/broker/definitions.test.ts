import { describe, expect, it } from 'vitest';
import { renderDefinitionFiles } from '../../../infra/broker/definitions.js';
import { defaultTopology, parseTopology } from '../../../src/topology/load-topology.js';
import { PROBE_QUEUE } from '../../../src/topology/probe-queue.js';

const parsed = (content: string) =>
  JSON.parse(content) as {
    vhosts?: { name: string }[];
    exchanges?: { name: string }[];
    queues?: { name: string }[];
    bindings?: { source: string; destination: string }[];
  };

describe('renderDefinitionFiles', () => {
  it('puts the topology first and the probe queue in a file of its own that sorts after it', () => {
    const files = renderDefinitionFiles(defaultTopology);

    expect(files.map((file) => file.name)).toEqual(['10-topology.json', '20-probe-queue.json']);
    expect([...files.map((file) => file.name)].sort()).toEqual(files.map((file) => file.name));
    const [topology, probe] = files.map((file) => parsed(file.content));
    expect(topology?.vhosts).toEqual([{ name: '/' }]);
    expect(topology?.queues?.map((queue) => queue.name)).toEqual([
      'tasks',
      'events.all',
      'warren.dead-letter',
    ]);
    expect(topology?.exchanges?.map((exchange) => exchange.name)).toEqual([
      'events',
      'warren.dead-letter',
    ]);
    expect(topology?.bindings).toHaveLength(2);
    expect(probe).toEqual({
      queues: [
        {
          name: PROBE_QUEUE,
          vhost: '/',
          durable: true,
          auto_delete: false,
          arguments: { 'x-max-length': 10, 'x-overflow': 'drop-head', 'x-message-ttl': 60_000 },
        },
      ],
      bindings: [],
    });
  });

  it('moves a binding to the probe queue into the probe file, after the queue it needs', () => {
    const files = renderDefinitionFiles(
      parseTopology({
        exchanges: [{ name: 'watch', type: 'fanout' }],
        queues: [{ name: PROBE_QUEUE }, { name: 'orders' }],
        bindings: [
          { source: 'watch', destination: PROBE_QUEUE, destination_type: 'queue' },
          { source: 'watch', destination: 'orders', destination_type: 'queue' },
        ],
      }),
    );
    const [topology, probe] = files.map((file) => parsed(file.content));

    expect(topology?.queues?.map((queue) => queue.name)).toEqual(['orders']);
    expect(topology?.bindings?.map((binding) => binding.destination)).toEqual(['orders']);
    expect(probe?.queues?.map((queue) => queue.name)).toEqual([PROBE_QUEUE]);
    expect(probe?.bindings?.map((binding) => binding.destination)).toEqual([PROBE_QUEUE]);
  });
});
