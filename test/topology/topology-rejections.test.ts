import { describe, expect, it } from 'vitest';
import { parseTopology, TopologyError } from '../../src/topology/load-topology.js';
import { binding, exchange, queue } from './topology-fixtures.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

describe('parseTopology', () => {
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
