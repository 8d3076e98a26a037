import { describe, expect, it } from 'vitest';
import {
  deadLetterTargetOf,
  NoDeadLetterExchangeError,
  QueueNotInTopologyError,
} from '../../src/consume/dead-letter-target.js';
import { defaultTopology, parseTopology } from '../../src/topology/load-topology.js';

const topology = parseTopology({
  exchanges: [
    { name: 'parked', type: 'direct' },
    { name: 'warren.dead-letter', type: 'fanout' },
  ],
  queues: [
    { name: 'orders', arguments: { 'x-dead-letter-exchange': 'warren.dead-letter' } },
    {
      name: 'invoices',
      arguments: { 'x-dead-letter-exchange': 'parked', 'x-dead-letter-routing-key': 'invoices' },
    },
    {
      name: 'via-default',
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'orders.parked' },
    },
    { name: 'blank', arguments: { 'x-dead-letter-exchange': '' } },
    { name: 'bare' },
  ],
});

describe('deadLetterTargetOf', () => {
  it.each([
    ['orders', { exchange: 'warren.dead-letter' }],
    ['invoices', { exchange: 'parked', routingKey: 'invoices' }],
    ['via-default', { exchange: '', routingKey: 'orders.parked' }],
  ])('finds where %s dead-letters to in the topology', (queue, target) => {
    expect(deadLetterTargetOf(topology, queue)).toEqual(target);
  });

  it('reads the default topology: tasks dead-letters to warren.dead-letter', () => {
    expect(deadLetterTargetOf(defaultTopology, 'tasks')).toEqual({
      exchange: 'warren.dead-letter',
    });
  });

  it('refuses a queue the topology does not declare, listing those it does', () => {
    const refuse = () => deadLetterTargetOf(defaultTopology, 'no-such-queue');

    expect(refuse).toThrow(QueueNotInTopologyError);
    expect(refuse).toThrow(/"no-such-queue".*tasks, events\.all, warren\.dead-letter/);
  });

  it.each(['bare', 'blank'])(
    'refuses %s, which has nowhere to dead-letter, saying what would be dropped and how to fix it',
    (queue) => {
      const refuse = () => deadLetterTargetOf(topology, queue);

      expect(refuse).toThrow(NoDeadLetterExchangeError);
      expect(refuse).toThrow(/would be dropped.*x-dead-letter-exchange/);
    },
  );
});
