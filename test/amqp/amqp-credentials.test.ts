import { describe, expect, it } from 'vitest';
import { createAmqpCredentialsSource } from '../../src/amqp/amqp-credentials.js';
import { AmqpCredentialsError } from '../../src/amqp/amqp-secret.js';

const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warren-amqp';

describe('createAmqpCredentialsSource', () => {
  it('yields the configured pair, from get and from refresh alike', async () => {
    const pair = { username: 'guest', password: 'guest' };
    const source = createAmqpCredentialsSource({ source: 'env', ...pair });

    expect(await source.get()).toEqual(pair);
    expect(await source.refresh(pair)).toEqual(pair);
    expect(await source.refresh({ username: 'guest', password: 'old' })).toEqual(pair);
  });

  it('refuses a secret source without a Secrets Manager client', () => {
    expect(() =>
      createAmqpCredentialsSource({ source: 'secret', secretArn: arn, maxAgeMs: 300_000 }),
    ).toThrow(AmqpCredentialsError);
  });
});
