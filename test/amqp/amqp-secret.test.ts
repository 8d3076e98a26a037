import { describe, expect, it } from 'vitest';
import { AmqpCredentialsError, parseAmqpSecret } from '../../src/amqp/amqp-secret.js';

const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warren-amqp';

describe('parseAmqpSecret', () => {
  it('reads a username and password', () => {
    expect(parseAmqpSecret(arn, '{"username":"warren","password":"s3cret"}')).toEqual({
      username: 'warren',
      password: 's3cret',
    });
  });

  it.each([
    ['not JSON', '{"username":"warren","password":"s3cret"', /is not JSON/],
    ['a missing password', '{"username":"warren"}', /password/],
    ['an empty username', '{"username":"","password":"s3cret"}', /username/],
    ['an array', '["warren","s3cret"]', /\(root\)/],
  ])('rejects %s without quoting the secret', (_, secret, message) => {
    const attempt = () => parseAmqpSecret(arn, secret);
    expect(attempt).toThrow(AmqpCredentialsError);
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(/s3cret/);
  });
});
