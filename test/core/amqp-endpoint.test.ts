import { describe, expect, it } from 'vitest';
import {
  formatEndpoint,
  InvalidAmqpUrlError,
  parseAmqpUrl,
  redactAmqpUrl,
  withCredentials,
} from '../../src/core/amqp-endpoint.js';

const PASSWORD = 's3cret-pw';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

describe('parseAmqpUrl', () => {
  it.each([
    ['amqp://mq.internal', { protocol: 'amqp', host: 'mq.internal', port: 5672, vhost: '/' }],
    ['amqps://mq.internal', { protocol: 'amqps', host: 'mq.internal', port: 5671, vhost: '/' }],
    ['amqp://127.0.0.1:5673', { protocol: 'amqp', host: '127.0.0.1', port: 5673, vhost: '/' }],
    [
      'amqps://mq.internal:5999',
      { protocol: 'amqps', host: 'mq.internal', port: 5999, vhost: '/' },
    ],
    ['AMQP://mq.internal', { protocol: 'amqp', host: 'mq.internal', port: 5672, vhost: '/' }],
    ['amqp://[::1]:5680', { protocol: 'amqp', host: '[::1]', port: 5680, vhost: '/' }],
  ])('parses %s without credentials', (input, expected) => {
    expect(parseAmqpUrl(input)).toStrictEqual(expected);
  });

  it.each([
    ['amqp://mq', '/'],
    ['amqp://mq/', '/'],
    ['amqp://mq/%2F', '/'],
    ['amqp://mq/%2f', '/'],
    ['amqp://mq/orders', 'orders'],
    ['amqp://mq:5672/team%2Forders', 'team/orders'],
    ['amqp://mq/a%20b', 'a b'],
    ['amqp://mq/caf%C3%A9', 'café'],
  ])('decodes the vhost of %s as %j', (input, vhost) => {
    expect(parseAmqpUrl(input).vhost).toBe(vhost);
  });

  it.each([
    ['amqp://app:s3cret@mq', 'app', 's3cret'],
    ['amqp://app%40corp:p%40ss%3Aw%2Frd@mq', 'app@corp', 'p@ss:w/rd'],
    ['amqp://app:100%25@mq', 'app', '100%'],
    ['amqp://app:p%C3%A4ss@mq', 'app', 'päss'],
    ['amqp://app@mq', 'app', ''],
  ])('decodes the credentials of %s', (input, username, password) => {
    const endpoint = parseAmqpUrl(input);
    expect(endpoint.username).toBe(username);
    expect(endpoint.password).toBe(password);
  });

  it('leaves username and password out when the URL has none', () => {
    const endpoint = parseAmqpUrl('amqp://mq:5672');
    expect(endpoint).not.toHaveProperty('username');
    expect(endpoint).not.toHaveProperty('password');
  });

  it.each([
    [`http://app:${PASSWORD}@mq:5672`, /scheme must be amqp or amqps, not http/],
    [`amqp+ssl://app:${PASSWORD}@mq:5672`, /scheme must be amqp or amqps/],
    [`mq.internal:5672`, /scheme must be amqp or amqps/],
    ['not a url', /not a URL/],
    ['', /not a URL/],
    ['amqp://', /host is missing/],
    ['amqp:///orders', /host is missing/],
    [`amqp://app:${PASSWORD}@/orders`, /not a URL/],
    [`amqp://app:${PASSWORD}@mq:5672?heartbeat=10`, /query strings and fragments/],
    [`amqp://app:${PASSWORD}@mq:5672#orders`, /query strings and fragments/],
    [`amqp://app:${PASSWORD}@mq:5672/team/orders`, /single path segment/],
    [`amqp://app:${PASSWORD}@mq:99999`, /not a URL/],
    [`amqp://app:${PASSWORD}@mq:port`, /not a URL/],
  ])(
    'rejects %j with InvalidAmqpUrlError and keeps the password out of the message',
    (input, reason) => {
      const error = thrownBy(() => parseAmqpUrl(input));
      expect(error).toBeInstanceOf(InvalidAmqpUrlError);
      const { message, name, input: reported } = error as InvalidAmqpUrlError;
      expect(name).toBe('InvalidAmqpUrlError');
      expect(reported).toBe(input);
      expect(message).toMatch(reason);
      expect(message).not.toContain(PASSWORD);
    },
  );

  it('keeps a password containing an unencoded "/" out of the error message', () => {
    const error = thrownBy(() => parseAmqpUrl('amqp://app:s3/cret-pw@mq:5672'));
    expect(error).toBeInstanceOf(InvalidAmqpUrlError);
    expect((error as Error).message).not.toContain('cret-pw');
  });

  it('rejects a malformed percent-escape in the vhost with InvalidAmqpUrlError', () => {
    expect(() => parseAmqpUrl('amqp://mq:5672/%ZZ')).toThrow(InvalidAmqpUrlError);
  });
});

describe('formatEndpoint', () => {
  it.each([
    [{ protocol: 'amqp', host: 'mq', port: 5672, vhost: '/' }, 'amqp://mq:5672'],
    [{ protocol: 'amqps', host: 'mq', port: 5671, vhost: 'orders' }, 'amqps://mq:5671/orders'],
    [
      { protocol: 'amqp', host: 'mq', port: 5673, vhost: 'team/orders' },
      'amqp://mq:5673/team%2Forders',
    ],
    [{ protocol: 'amqp', host: '[::1]', port: 5672, vhost: '/' }, 'amqp://[::1]:5672'],
  ] as const)('formats %j as %s', (endpoint, expected) => {
    expect(formatEndpoint(endpoint)).toBe(expected);
  });

  it('never includes the credentials', () => {
    const formatted = formatEndpoint({
      protocol: 'amqp',
      host: 'mq',
      port: 5672,
      vhost: '/',
      username: 'app',
      password: PASSWORD,
    });
    expect(formatted).toBe('amqp://mq:5672');
  });

  it.each([
    'amqp://mq',
    'amqps://mq:5999',
    'amqp://app:s3cret@mq:5673/team%2Forders',
    'amqp://mq/caf%C3%A9',
  ])('formats %s into a URL that parses back to the same endpoint without credentials', (input) => {
    const { username: _username, password: _password, ...endpoint } = parseAmqpUrl(input);
    expect(parseAmqpUrl(formatEndpoint(endpoint))).toStrictEqual(endpoint);
  });
});

describe('withCredentials', () => {
  it.each([
    ['amqp://mq:5672', 'amqp://app:s3cret@mq:5672'],
    ['amqps://mq:5671/team%2Forders', 'amqps://app:s3cret@mq:5671/team%2Forders'],
  ])('adds credentials to %s', (endpoint, expected) => {
    expect(withCredentials(endpoint, 'app', 's3cret')).toBe(expected);
  });

  it.each([
    ['app', 's3cret'],
    ['app@corp', 'p@ss:w/rd'],
    ['a:b', '100%'],
    ['app', '?#[]'],
    ['ünïcode', 'päss wörd'],
  ])('encodes %j / %j so that parseAmqpUrl decodes them back', (username, password) => {
    const url = withCredentials('amqp://mq:5672/orders', username, password);
    expect(parseAmqpUrl(url)).toStrictEqual({
      protocol: 'amqp',
      host: 'mq',
      port: 5672,
      vhost: 'orders',
      username,
      password,
    });
  });
});

describe('redactAmqpUrl', () => {
  it.each([
    ['amqp://app:s3cret@mq:5672', 'amqp://app:***@mq:5672'],
    ['amqps://app:s3cret@mq:5671/orders', 'amqps://app:***@mq:5671/orders'],
    ['http://admin:pw@mq:15672/api', 'http://admin:***@mq:15672/api'],
    ['amqp://:s3cret@mq', 'amqp://:***@mq'],
    ['amqp://app:@mq', 'amqp://app:***@mq'],
  ])('hides the password of %s', (input, expected) => {
    expect(redactAmqpUrl(input)).toBe(expected);
  });

  it.each(['amqp://mq:5672', 'amqp://mq:5672/orders', 'amqp://app@mq:5672', 'not a url', ''])(
    'leaves %j unchanged when it has no password',
    (input) => {
      expect(redactAmqpUrl(input)).toBe(input);
    },
  );

  it('hides all of a password that contains an unencoded "@"', () => {
    expect(parseAmqpUrl('amqp://app:p@ssw0rd@mq:5672').password).toBe('p@ssw0rd');
    expect(redactAmqpUrl('amqp://app:p@ssw0rd@mq:5672')).toBe('amqp://app:***@mq:5672');
  });
});

describe('parseAmqpUrl normalisation', () => {
  it('lowercases the host so one broker has one registry endpoint', () => {
    expect(formatEndpoint(parseAmqpUrl('amqp://MQ.Example:5672'))).toBe('amqp://mq.example:5672');
  });

  it('rejects port 0', () => {
    expect(() => parseAmqpUrl('amqp://mq:0')).toThrow(InvalidAmqpUrlError);
  });
});
