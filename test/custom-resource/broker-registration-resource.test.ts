import { describe, expect, it } from 'vitest';
import { brokerRegistrationProperties } from '../../src/custom-resource/broker-registration-resource.js';

const properties = (ManagementEndpoint: string) => ({
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:registration',
  NodeId: 'b1',
  Endpoint: 'amqps://10.0.1.5:5671',
  ManagementEndpoint,
});

describe('Custom::WarrenBroker properties', () => {
  it.each([
    'https://10.0.1.5:15671',
    'https://ip-10-0-1-5.eu-west-1.compute.internal:15671',
    'http://127.0.0.1:15672',
    'http://localhost:15672',
    '',
  ])('take the management endpoint %j', (endpoint) => {
    expect(brokerRegistrationProperties.safeParse(properties(endpoint)).success).toBe(true);
  });

  it.each([
    'http://10.0.1.5:15672',
    'http://ip-10-0-1-5.eu-west-1.compute.internal:15672',
    'https://monitor:s3cret@10.0.1.5:15671',
    'ftp://10.0.1.5/',
    '10.0.1.5:15671',
  ])('refuse the management endpoint %j, without repeating it', (endpoint) => {
    const parsed = brokerRegistrationProperties.safeParse(properties(endpoint));

    expect(parsed.success).toBe(false);
    const messages = parsed.error?.issues.map((issue) => issue.message) ?? [];
    expect(messages).toEqual([
      'must be an https:// URL without credentials (plain http:// only to a loopback host)',
    ]);
    expect(JSON.stringify(parsed.error?.issues)).not.toContain('s3cret');
  });
});
