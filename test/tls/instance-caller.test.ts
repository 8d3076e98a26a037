import { describe, expect, it } from 'vitest';
import { readInstanceCaller } from '../../src/tls/instance-caller.js';

const ROLE = 'WarrenBroker-b1-Role1ABCD2345EF';

describe('readInstanceCaller', () => {
  it.each([
    [
      `arn:aws:sts::123456789012:assumed-role/${ROLE}/i-0123456789abcdef0`,
      `AROAEXAMPLEROLEID:i-0123456789abcdef0`,
      { accountId: '123456789012', roleName: ROLE, instanceId: 'i-0123456789abcdef0' },
    ],
    [
      'arn:aws:sts::123456789012:assumed-role/broker/i-0123abcd',
      undefined,
      { accountId: '123456789012', roleName: 'broker', instanceId: 'i-0123abcd' },
    ],
    [
      'arn:aws-us-gov:sts::123456789012:assumed-role/broker/i-0123456789abcdef0',
      undefined,
      { accountId: '123456789012', roleName: 'broker', instanceId: 'i-0123456789abcdef0' },
    ],
  ])('reads the instance behind %s', (userArn, userId, caller) => {
    expect(readInstanceCaller(userArn, userId)).toEqual({ ok: true, caller });
  });

  it.each([
    ['no identity (not AWS_IAM auth)', undefined, undefined, 'carries no IAM identity'],
    [
      'an IAM user',
      'arn:aws:iam::123456789012:user/alice',
      undefined,
      'not an EC2 instance-profile session',
    ],
    [
      'an IAM role',
      `arn:aws:iam::123456789012:role/${ROLE}`,
      undefined,
      'not an EC2 instance-profile session',
    ],
    [
      'a session not named like an instance',
      `arn:aws:sts::123456789012:assumed-role/${ROLE}/alice`,
      undefined,
      'not an EC2',
    ],
    [
      'an instance id with capitals',
      `arn:aws:sts::123456789012:assumed-role/${ROLE}/i-0123456789ABCDEF0`,
      undefined,
      'not an EC2',
    ],
    [
      'an instance id of the wrong length',
      `arn:aws:sts::123456789012:assumed-role/${ROLE}/i-0123456789`,
      undefined,
      'not an EC2',
    ],
    [
      'something after the session',
      `arn:aws:sts::123456789012:assumed-role/${ROLE}/i-0123abcd/x`,
      undefined,
      'not an EC2',
    ],
    [
      'a user id naming another session',
      `arn:aws:sts::123456789012:assumed-role/${ROLE}/i-0123abcd`,
      'AROAEXAMPLE:i-9999abcd',
      'does not name session i-0123abcd',
    ],
  ])('refuses %s', (_case, userArn, userId, reason) => {
    const reading = readInstanceCaller(userArn, userId);
    expect(reading).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});
