import { describe, expect, it } from 'vitest';
import { parseDevArgs } from '../../src/cli/dev-args.js';
import { DEV_USAGE } from '../../src/cli/dev-usage.js';
import { UsageError } from '../../src/cli/usage-error.js';

function usageErrorFrom(args: readonly string[]): UsageError {
  let thrown: unknown;
  try {
    parseDevArgs(args);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UsageError);
  return thrown as UsageError;
}

describe('parseDevArgs', () => {
  it('starts 3 brokers, serves on port 8080 and keeps data in .warren by default', () => {
    expect(parseDevArgs([])).toStrictEqual({
      nodes: 3,
      port: 8080,
      dataDir: '.warren',
      replicas: 1,
      json: false,
    });
  });

  it.each([
    [['--nodes', '1'], { nodes: 1, port: 8080, dataDir: '.warren', replicas: 1, json: false }],
    [['--nodes', '20'], { nodes: 20, port: 8080, dataDir: '.warren', replicas: 1, json: false }],
    [['--nodes=5'], { nodes: 5, port: 8080, dataDir: '.warren', replicas: 1, json: false }],
    [['--port', '0'], { nodes: 3, port: 0, dataDir: '.warren', replicas: 1, json: false }],
    [['--json'], { nodes: 3, port: 8080, dataDir: '.warren', replicas: 1, json: true }],
    [['--port', '65535'], { nodes: 3, port: 65535, dataDir: '.warren', replicas: 1, json: false }],
    [
      ['--data-dir', '/tmp/fleet'],
      { nodes: 3, port: 8080, dataDir: '/tmp/fleet', replicas: 1, json: false },
    ],
    [
      ['--topology', 'definitions.json'],
      {
        nodes: 3,
        port: 8080,
        dataDir: '.warren',
        replicas: 1,
        json: false,
        topologyFile: 'definitions.json',
      },
    ],
    [['--replicas', '3'], { nodes: 3, port: 8080, dataDir: '.warren', replicas: 3, json: false }],
    [
      ['--nodes', '2', '--replicas', '2'],
      { nodes: 2, port: 8080, dataDir: '.warren', replicas: 2, json: false },
    ],
    [
      ['--brokers', 'amqp://mq1:5672, amqps://app:s3cret@mq2:5671/orders'],
      {
        nodes: 3,
        port: 8080,
        dataDir: '.warren',
        replicas: 1,
        json: false,
        brokers: ['amqp://mq1:5672', 'amqps://app:s3cret@mq2:5671/orders'],
      },
    ],
  ])('parses %j', (args, expected) => {
    expect(parseDevArgs(args)).toStrictEqual(expected);
  });

  it.each([[['--help']], [['-h']], [['--nodes', '0', '--help']]])(
    'asks for help with %j',
    (args) => {
      expect(parseDevArgs(args)).toEqual({ help: DEV_USAGE });
    },
  );

  it.each([
    [['--verbose'], 'unknown option --verbose for "dev"'],
    [['--node', '2'], 'unknown option --node for "dev" (did you mean --nodes?)'],
    [['--jsn'], 'unknown option --jsn for "dev" (did you mean --json?)'],
    [['--json=yes'], '--json takes no value'],
    [['start'], '"dev" takes no arguments, not "start"'],
    [['--nodes', '0'], '--nodes must be a whole number from 1 to 20, not "0"'],
    [['--nodes', '21'], '--nodes must be a whole number from 1 to 20, not "21"'],
    [['--nodes', '1.5'], '--nodes must be a whole number from 1 to 20, not "1.5"'],
    [['--nodes', 'abc'], '--nodes must be a whole number from 1 to 20, not "abc"'],
    [['--nodes', ''], '--nodes must be a whole number'],
    [['--nodes', '3e1'], '--nodes must be a whole number'],
    [['--replicas', '0'], '--replicas must be a whole number from 1 to 3, not "0"'],
    [['--replicas', '4'], '--replicas must be a whole number from 1 to 3, not "4"'],
    [['--nodes', '2', '--replicas', '3'], '--replicas 3 needs at least 3 brokers; the fleet has 2'],
    [
      ['--brokers', 'amqp://mq1:5672', '--replicas', '2'],
      '--replicas 2 needs at least 2 brokers; the fleet has 1',
    ],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535, not "70000"'],
    [['--port', '65536'], '--port must be a whole number from 0 to 65535'],
    [['--port=-1'], '--port must be a whole number from 0 to 65535, not "-1"'],
    [['--port', '-1'], '--port needs a value; for one that starts with "-", write --port=VALUE'],
    [['--port'], '--port needs a value'],
    [['--data-dir', ''], '--data-dir must not be empty'],
    [['--nodes', '2', '--brokers', 'amqp://mq:5672'], '--nodes and --brokers exclude each other'],
    [['--brokers', 'mq:5672'], '--brokers: invalid AMQP URL'],
    [['--brokers', 'http://mq:5672'], '--brokers: invalid AMQP URL'],
    [['--brokers', 'amqp://mq:5672,'], '--brokers: invalid AMQP URL'],
    [['--brokers', 'amqp://mq:5672,amqp://mq2:5672/a/b'], 'single path segment'],
  ])('rejects %j with a UsageError', (args, problem) => {
    const error = usageErrorFrom(args);
    expect(error.name).toBe('UsageError');
    expect(error.message).toContain(problem);
    expect(error.command).toBe('dev');
  });

  it.each([
    'amqp://app:s3cret-pw@mq:5672/a/b',
    'amqp://app:s3cret-pw@mq:5672?heartbeat=10',
    'https://app:s3cret-pw@mq:5672',
    'amqp://mq1:5672,amqp://app:s3cret-pw@mq2:port',
  ])('keeps the password of the bad --brokers URL %s out of the message', (brokers) => {
    const error = usageErrorFrom(['--brokers', brokers]);
    expect(error.message).toContain('--brokers');
    expect(error.message).toContain('app:***@');
    expect(error.message).not.toContain('s3cret-pw');
  });

  it('rejects a --brokers URL with a malformed percent-escape with a UsageError', () => {
    usageErrorFrom(['--brokers', 'amqp://mq:5672/%ZZ']);
  });
});
