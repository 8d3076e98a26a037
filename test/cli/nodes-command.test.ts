import { describe, expect, it } from 'vitest';
import { parseNodesArgs } from '../../src/cli/nodes-command.js';

describe('parseNodesArgs', () => {
  it.each([
    [['list'], { action: 'list', json: false, target: {} }],
    [['list', '--json'], { action: 'list', json: true, target: {} }],
    [
      ['list', '--probe-interval-ms', '2000', '--data-dir', '/tmp/fleet'],
      { action: 'list', json: false, target: { dataDir: '/tmp/fleet', probeIntervalMs: 2000 } },
    ],
    [
      ['--table', 'warren-registry', 'list', '--endpoint', 'http://127.0.0.1:8000'],
      {
        action: 'list',
        json: false,
        target: { table: 'warren-registry', endpoint: 'http://127.0.0.1:8000' },
      },
    ],
    [
      ['list', '--queue', 'tasks', '--ca-file', 'fleet-ca.pem'],
      { action: 'list', json: false, queue: 'tasks', caFile: 'fleet-ca.pem', target: {} },
    ],
    [['drain', 'b2'], { action: 'set-admin', id: 'b2', state: 'draining', target: {} }],
    [['undrain', 'b2'], { action: 'set-admin', id: 'b2', state: 'active', target: {} }],
    [['maintenance', 'b2'], { action: 'set-admin', id: 'b2', state: 'maintenance', target: {} }],
    [
      ['retire', 'broker-10', '--table', 'fleet.prod'],
      { action: 'set-admin', id: 'broker-10', state: 'retired', target: { table: 'fleet.prod' } },
    ],
    [
      ['register', 'b4', 'amqp://10.0.1.8:5672'],
      {
        action: 'register',
        registration: { id: 'b4', endpoint: 'amqp://10.0.1.8:5672' },
        target: {},
      },
    ],
    [
      [
        'register',
        'b4',
        'amqps://mq4.internal:5671/orders',
        '--management-url',
        'https://mq4.internal:15671',
        '--az',
        'eu-west-1a',
        '--label',
        'tier=gold',
        '--label=expr=a=b',
        '--label',
        'empty=',
      ],
      {
        action: 'register',
        registration: {
          id: 'b4',
          endpoint: 'amqps://mq4.internal:5671/orders',
          managementEndpoint: 'https://mq4.internal:15671',
          az: 'eu-west-1a',
          labels: { tier: 'gold', expr: 'a=b', empty: '' },
        },
        target: {},
      },
    ],
    [
      ['register', 'b4', 'amqp://127.0.0.1:5672', '--management-url', 'http://127.0.0.1:15672'],
      {
        action: 'register',
        registration: {
          id: 'b4',
          endpoint: 'amqp://127.0.0.1:5672',
          managementEndpoint: 'http://127.0.0.1:15672',
        },
        target: {},
      },
    ],
    [
      ['register', 'b5', 'amqp://localhost:5672', '--management-url', 'http://localhost:15672'],
      {
        action: 'register',
        registration: {
          id: 'b5',
          endpoint: 'amqp://localhost:5672',
          managementEndpoint: 'http://localhost:15672',
        },
        target: {},
      },
    ],
  ])('parses %j', (args, expected) => {
    expect(parseNodesArgs(args)).toStrictEqual(expected);
  });

  it.each([[['--help']], [['-h']], [['list', '--help']], [['drain', 'NOT AN ID', '-h']]])(
    'asks for help with %j',
    (args) => {
      expect(parseNodesArgs(args)).toBe('help');
    },
  );
});
