import { describe, expect, it } from 'vitest';
import { parseNodesArgs } from '../../src/cli/nodes-args.js';
import { UsageError } from '../../src/cli/usage-error.js';

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
    [['list', 'b1'], '"nodes list" takes no arguments, not 1'],
    [['drain'], '"nodes drain" takes <id> (1 argument), not 0'],
    [['drain', 'b1', 'b2'], '"nodes drain" takes <id> (1 argument), not 2'],
    [['register', 'b4'], '"nodes register" takes <id> <amqp-url> (2 arguments), not 1'],
    [['list', '--verbose'], 'unknown option --verbose for "nodes list"'],
    [['list', '--json=yes'], '--json takes no value'],
    [['list', '--queue'], '--queue needs a value'],
    [['list', '--data-dir', '--json'], '--data-dir needs a value'],
    [
      ['list', '--az', 'eu-west-1a'],
      '--az does not apply to "nodes list", only to "nodes register"',
    ],
    [
      ['drain', 'b1', '--queue', 'tasks'],
      '--queue does not apply to "nodes drain", only to "nodes list"',
    ],
    [['list', '--ca-file', 'fleet-ca.pem'], '--ca-file applies only with --queue'],
    [['list', '--queue', 'tasks', '--ca-file', ''], '--ca-file must not be empty'],
    [['drain', 'b1', '--ca-file', 'fleet-ca.pem'], '--ca-file does not apply to "nodes drain"'],
    [
      ['register', 'b4', 'amqp://mq:5672', '--probe-interval-ms', '100'],
      '--probe-interval-ms does not apply',
    ],
    [['drain', 'B1'], 'invalid broker id "B1"'],
    [['drain', '-b1'], 'unknown option -b for "nodes drain"'],
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
    expect(error.command).toBe(`nodes ${args.find((arg) => /^[a-z]+$/.test(arg))}`);
    expect(error.lines()).toHaveLength(1);
  });

  it('refuses a missing command with the usage of warren nodes below the line', () => {
    const error = usageErrorFrom([]);
    expect(error.message).toBe(
      'missing command: list, register, drain, undrain, maintenance, retire',
    );
    expect(error.lines().slice(2).join('\n')).toMatch(/^Usage: warren nodes <command>/);
  });

  it.each([
    [['dran', 'b1'], 'unknown command "dran" for "nodes" (did you mean drain?)', true],
    [['lst'], 'unknown command "lst" for "nodes" (did you mean list?)', true],
    [['frob'], 'unknown command "frob" for "nodes"', false],
    [['list', '--jsn'], 'unknown option --jsn for "nodes list" (did you mean --json?)', true],
    [
      ['drain', 'b1', '--jsno'],
      'unknown option --jsno for "nodes drain" (did you mean --json?)',
      true,
    ],
    [
      ['list', '--probe', '100'],
      'unknown option --probe for "nodes list" (did you mean --probe-interval-ms?)',
      true,
    ],
    [['register', 'b4', 'amqp://mq:5672', '--lable', 'a=1'], 'did you mean --label?', true],
  ])('refuses the typo in %j with a suggestion when one is close', (args, message, suggests) => {
    const error = usageErrorFrom(args);
    expect(error.message).toContain(message);
    expect(error.suggests).toBe(suggests);
  });

  it.each([
    [['register', 'b4', 'amqp://app:s3cret@mq:5672'], 'credentials do not belong in the registry'],
    [['register', 'b4', 'amqps://app:p%40ss%2Fw0rd@mq:5671/orders'], 'credentials do not belong'],
    [['register', 'b4', 'amqp://app:s3cret/x@mq:5672'], 'not a URL'],
    [['register', 'amqp://app:s3cret@mq:5672', 'b4'], 'invalid broker id "amqp://app:***@mq:5672"'],
    [
      ['register', 'b4', 'amqp://app:s3cret@mq:5672', 'extra'],
      'takes <id> <amqp-url> (2 arguments), not 3',
    ],
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
