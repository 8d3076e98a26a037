import { describe, expect, it } from 'vitest';
import { NODES_USAGE, parseNodesArgs } from '../../src/cli/nodes-command.js';
import { renderNodeTable } from '../../src/cli/render-node-table.js';
import { UsageError } from '../../src/cli/usage-error.js';
import type { NodeView } from '../../src/http/node-view.js';

function usageErrorFrom(args: readonly string[]): UsageError {
  let thrown: unknown;
  try {
    parseNodesArgs(args);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UsageError);
  return thrown as UsageError;
}

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

  it.each([
    [[], 'missing command'],
    [['frob'], 'unknown command "frob"'],
    [['list', 'b1'], '"warren nodes list" takes no arguments, not 1'],
    [['drain'], '"warren nodes drain" takes <id>, not 0'],
    [['drain', 'b1', 'b2'], '"warren nodes drain" takes <id>, not 2'],
    [['register', 'b4'], '"warren nodes register" takes <id> <amqp-url>, not 1'],
    [['list', '--verbose'], "Unknown option '--verbose'"],
    [['list', '--json=yes'], "Option '--json' does not take an argument"],
    [['drain', 'b1', '--json'], '--json does not apply to "warren nodes drain"'],
    [['list', '--az', 'eu-west-1a'], '--az does not apply to "warren nodes list"'],
    [['list', '--ca-file', 'fleet-ca.pem'], '--ca-file applies only with --queue'],
    [['list', '--queue', 'tasks', '--ca-file', ''], '--ca-file must not be empty'],
    [['drain', 'b1', '--ca-file', 'fleet-ca.pem'], '--ca-file does not apply'],
    [
      ['register', 'b4', 'amqp://mq:5672', '--probe-interval-ms', '100'],
      '--probe-interval-ms does not apply',
    ],
    [['drain', 'B1'], 'invalid broker id "B1"'],
    [['drain', '-b1'], "Unknown option '-b'"],
    [['drain', 'b_1'], 'invalid broker id "b_1"'],
    [['register', 'b 4', 'amqp://mq:5672'], 'invalid broker id "b 4"'],
    [['register', 'b4', 'http://mq:5672'], 'scheme must be amqp or amqps'],
    [['register', 'b4', 'mq:5672'], 'scheme must be amqp or amqps'],
    [['register', 'b4', 'not a url'], 'not a URL'],
    [['register', 'b4', 'amqp://mq:5672/a/b'], 'vhost must be a single path segment'],
    [
      ['register', 'b4', 'amqp://mq:5672', '--management-url', 'mq:15672'],
      '--management-url "mq:15672" must be an https:// URL',
    ],
    [
      ['register', 'b4', 'amqp://mq:5672', '--management-url', 'http://mq.internal:15672'],
      '--management-url "http://mq.internal:15672" must be https:// (plain http:// only to a loopback host such as 127.0.0.1)',
    ],
    [
      ['register', 'b4', 'amqp://10.0.1.8:5672', '--management-url', 'http://10.0.1.8:15672'],
      'the prober sends the broker credentials to it',
    ],
    [
      ['register', 'b4', 'amqp://mq:5672', '--management-url', 'nope'],
      '--management-url "nope" is not a URL',
    ],
    [['register', 'b4', 'amqp://mq:5672', '--az', ''], '--az must not be empty'],
    [
      ['register', 'b4', 'amqp://mq:5672', '--label', 'tier'],
      '--label must be KEY=VALUE, not "tier"',
    ],
    [['register', 'b4', 'amqp://mq:5672', '--label', '=gold'], '--label must be KEY=VALUE'],
    [
      ['register', 'b4', 'amqp://mq:5672', '--label', 'a=1', '--label', 'a=2'],
      '--label a is given twice',
    ],
    [['list', '--data-dir', ''], '--data-dir must not be empty'],
    [['list', '--data-dir', '.warren', '--table', 'warren-registry'], 'exclude each other'],
    [
      ['list', '--data-dir', '.warren', '--endpoint', 'http://127.0.0.1:8000'],
      'exclude each other',
    ],
    [['list', '--table', 'ab'], '--table must be a DynamoDB table name, not "ab"'],
    [['list', '--table', 'my table'], '--table must be a DynamoDB table name'],
    [
      ['list', '--table', 'warren-registry', '--endpoint', '127.0.0.1:8000'],
      '--endpoint must be an http(s) URL',
    ],
    [
      ['list', '--probe-interval-ms', '99'],
      '--probe-interval-ms must be a whole number from 100 to 600000, not "99"',
    ],
    [['list', '--probe-interval-ms', '1.5e3'], '--probe-interval-ms must be a whole number'],
    [['list', '--probe-interval-ms', '600001'], '--probe-interval-ms must be a whole number'],
  ])('refuses %j', (args, message) => {
    const error = usageErrorFrom(args);
    expect(error.message).toContain(message);
    expect(error.usage).toBe(NODES_USAGE);
  });

  it.each([
    [['register', 'b4', 'amqp://app:s3cret@mq:5672'], 'credentials do not belong in the registry'],
    [['register', 'b4', 'amqps://app:p%40ss%2Fw0rd@mq:5671/orders'], 'credentials do not belong'],
    [['register', 'b4', 'amqp://app:s3cret/x@mq:5672'], 'not a URL'],
    [['register', 'amqp://app:s3cret@mq:5672', 'b4'], 'invalid broker id "amqp://app:***@mq:5672"'],
    [['register', 'b4', 'amqp://app:s3cret@mq:5672', 'extra'], 'takes <id> <amqp-url>, not 3'],
    [['amqp://app:s3cret@mq:5672'], 'unknown command "amqp://app:***@mq:5672"'],
    [
      ['register', 'b4', 'amqp://mq:5672', '--management-url', 'https://admin:s3cret@mq:15671'],
      'credentials do not belong in the registry',
    ],
  ])('refuses %j without repeating the password', (args, message) => {
    const error = usageErrorFrom(args);
    expect(error.message).toContain(message);
    expect(error.message).not.toMatch(/s3cret|p%40ss|p@ss/);
  });
});

const now = Date.parse('2026-11-26T12:00:00.000Z');
const secondsAgo = (seconds: number) => new Date(now - seconds * 1000).toISOString();

function view(overrides: Partial<NodeView> = {}): NodeView {
  return {
    id: 'b1',
    endpoint: 'amqp://10.0.1.5:5672',
    managementEndpoint: null,
    az: null,
    labels: {},
    health: { state: 'healthy', since: secondsAgo(600) },
    admin: { state: 'active', since: secondsAgo(3600) },
    stale: false,
    lastProbeAt: secondsAgo(3),
    latencyMs: 4.23,
    consecutiveFailures: 0,
    consecutiveSuccesses: 2,
    flapCount: 0,
    holdDownUntil: null,
    outlierReportedAt: null,
    registeredAt: secondsAgo(7200),
    ...overrides,
  };
}

describe('renderNodeTable', () => {
  it('aligns a header and one row per broker', () => {
    expect(
      renderNodeTable(
        [
          view(),
          view({
            id: 'broker-10',
            endpoint: 'amqps://mq10.internal:5671',
            health: { state: 'initial' },
            admin: { state: 'draining', since: secondsAgo(5) },
            lastProbeAt: null,
            latencyMs: null,
            stale: true,
          }),
        ],
        now,
      ),
    ).toEqual([
      'ID         ENDPOINT                    HEALTH   ADMIN     LAST PROBE  LATENCY',
      'b1         amqp://10.0.1.5:5672        healthy  active    3s ago      4.2 ms',
      'broker-10  amqps://mq10.internal:5671  initial  draining  never       -        STALE',
    ]);
  });

  it.each([
    [{ health: { state: 'initial' } }, 'initial'],
    [{ health: { state: 'healthy', since: secondsAgo(1) } }, 'healthy'],
    [
      { health: { state: 'degraded', since: secondsAgo(1), reason: 'slow confirm' } },
      'degraded (slow confirm)',
    ],
    [
      { health: { state: 'blocked', since: secondsAgo(1), reason: 'memory alarm' } },
      'blocked (memory alarm)',
    ],
    [
      {
        health: {
          state: 'unhealthy',
          since: secondsAgo(1),
          reason: 'tcp: connect\n  ECONNREFUSED',
        },
      },
      'unhealthy (tcp: connect ECONNREFUSED)',
    ],
    [{ admin: { state: 'maintenance', since: secondsAgo(1) } }, 'maintenance'],
    [{ admin: { state: 'retired', since: secondsAgo(1) } }, 'retired'],
    [{ lastProbeAt: secondsAgo(0) }, '0s ago'],
    [{ lastProbeAt: secondsAgo(59.9) }, '59s ago'],
    [{ lastProbeAt: secondsAgo(60) }, '1m ago'],
    [{ lastProbeAt: secondsAgo(3599) }, '59m ago'],
    [{ lastProbeAt: secondsAgo(3600) }, '1h ago'],
    [{ lastProbeAt: secondsAgo(47 * 3600) }, '47h ago'],
    [{ lastProbeAt: secondsAgo(3 * 86_400) }, '3d ago'],
    [{ lastProbeAt: secondsAgo(-0.5) }, '0s ago'],
    [{ lastProbeAt: secondsAgo(-5) }, 'in 5s'],
    [{ lastProbeAt: null }, 'never'],
    [{ latencyMs: 0 }, '0.0 ms'],
    [{ latencyMs: 1234.56 }, '1234.6 ms'],
    [{ latencyMs: null }, '-'],
  ] satisfies [Partial<NodeView>, string][])('shows %j as %j', (overrides, cell) => {
    const [, row] = renderNodeTable([view(overrides)], now);
    expect(row?.split(/ {2,}/)).toContain(cell);
  });

  it('marks a stale broker, and only a stale one', () => {
    const [, fresh, stale] = renderNodeTable([view(), view({ id: 'b2', stale: true })], now);
    expect(fresh).not.toContain('STALE');
    expect(stale?.endsWith('  STALE')).toBe(true);
  });

  it('says so when the registry has no brokers', () => {
    expect(renderNodeTable([], now)).toEqual(['no brokers in the registry']);
  });
});
