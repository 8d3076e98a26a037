import { describe, expect, it } from 'vitest';
import { createConsumer } from '../../src/consume/create-consumer.js';
import {
  NoDeadLetterExchangeError,
  QueueNotInTopologyError,
} from '../../src/consume/dead-letter-target.js';
import { defaultTopology } from '../../src/topology/load-topology.js';

// Never read: createConsumer refuses before it looks at the registry.
const registry = {
  listNodes: async () => {
    throw new Error('the registry must not be read');
  },
};
const consumerOf = (queue: string) =>
  createConsumer({
    registry,
    queue,
    topology: defaultTopology,
    credentialsFor: async () => ({ username: 'guest', password: 'guest' }),
    handler: async () => undefined,
  });

describe('createConsumer', () => {
  it('refuses a queue the topology does not declare', () => {
    expect(() => consumerOf('no-such-queue')).toThrow(QueueNotInTopologyError);
  });

  it('refuses a queue without a dead-letter exchange, where failed messages would be dropped', () => {
    expect(() => consumerOf('warren.dead-letter')).toThrow(NoDeadLetterExchangeError);
    expect(() => consumerOf('warren.dead-letter')).toThrow(
      /queue "warren.dead-letter" has no x-dead-letter-exchange/,
    );
  });
});
