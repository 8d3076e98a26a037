import { describe, expect, it } from 'vitest';
import { defaultTopology } from '../../src/topology/load-topology.js';

describe('defaultTopology', () => {
  it('declares the durable queue "tasks"', () => {
    expect(defaultTopology.queues.find((q) => q.name === 'tasks')).toMatchObject({
      durable: true,
      auto_delete: false,
    });
  });

  it('declares every queue a quorum queue', () => {
    expect(defaultTopology.queues.map((q) => [q.name, q.arguments['x-queue-type']])).toEqual([
      ['tasks', 'quorum'],
      ['events.all', 'quorum'],
      ['warren.dead-letter', 'quorum'],
    ]);
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
