import { describe, expect, it } from 'vitest';
import { parseNodesArgs } from '../../src/cli/nodes-args.js';
import { NODES_USAGE, nodesUsage } from '../../src/cli/nodes-usage.js';

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
    [
      ['drain', 'b2'],
      { action: 'set-admin', id: 'b2', state: 'draining', json: false, target: {} },
    ],
    [
      ['undrain', 'b2'],
      { action: 'set-admin', id: 'b2', state: 'active', json: false, target: {} },
    ],
    [
      ['maintenance', 'b2'],
      { action: 'set-admin', id: 'b2', state: 'maintenance', json: false, target: {} },
    ],
    [
      ['retire', 'broker-10', '--table', 'fleet.prod'],
      {
        action: 'set-admin',
        id: 'broker-10',
        state: 'retired',
        json: false,
        target: { table: 'fleet.prod' },
      },
    ],
    [
      ['register', 'b4', 'amqp://10.0.1.8:5672'],
      {
        action: 'register',
        registration: { id: 'b4', endpoint: 'amqp://10.0.1.8:5672' },
        json: false,
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
        json: false,
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
        json: false,
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
        json: false,
        target: {},
      },
    ],
    [
      ['drain', 'b2', '--json'],
      { action: 'set-admin', id: 'b2', state: 'draining', json: true, target: {} },
    ],
    [
      ['register', 'b4', 'amqp://10.0.1.8:5672', '--json'],
      {
        action: 'register',
        registration: { id: 'b4', endpoint: 'amqp://10.0.1.8:5672' },
        json: true,
        target: {},
      },
    ],
  ])('parses %j', (args, expected) => {
    expect(parseNodesArgs(args)).toStrictEqual(expected);
  });

  it.each([
    [['--help'], NODES_USAGE],
    [['-h'], NODES_USAGE],
    [['list', '--help'], nodesUsage('list')],
    [['list', '--jsn', '--help'], nodesUsage('list')],
    [['drain', 'NOT AN ID', '-h'], nodesUsage('drain')],
    [['--help', 'register'], nodesUsage('register')],
    [['retire', '--help'], nodesUsage('retire')],
  ])("asks for help with %j, with that command's usage", (args, usage) => {
    expect(parseNodesArgs(args)).toEqual({ action: 'help', usage });
  });

  it('gives each command its own usage, naming only the options it takes', () => {
    const drain = nodesUsage('drain');
    expect(drain).toMatch(/^Usage: warren nodes drain <id> \[options\]/);
    expect(drain).toContain('--json');
    expect(drain).not.toContain('--queue');
    expect(drain).not.toContain('--label');
    expect(nodesUsage('list')).not.toContain('--label');
    expect(nodesUsage('register')).not.toContain('--queue');
  });
});
