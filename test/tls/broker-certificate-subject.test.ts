import { describe, expect, it } from 'vitest';
import { brokerCertificateSubject } from '../../src/tls/broker-certificate-subject.js';
import type { InstanceCaller } from '../../src/tls/instance-caller.js';
import { BROKER_TAG, type InstanceDescription } from '../../src/tls/instance-directory.js';

const ROLE = 'WarrenBroker-b1-Role1ABCD2345EF';
const caller: InstanceCaller = {
  accountId: '123456789012',
  roleName: ROLE,
  instanceId: 'i-0123456789abcdef0',
};
const broker: InstanceDescription = {
  instanceId: caller.instanceId,
  state: 'running',
  privateIpAddress: '10.0.1.23',
  privateDnsName: 'ip-10-0-1-23.eu-west-1.compute.internal',
  instanceProfileArn: `arn:aws:iam::123456789012:instance-profile/${ROLE}`,
  tags: { [BROKER_TAG]: 'b1', Name: 'WarrenBroker-b1/Instance' },
};

describe('brokerCertificateSubject', () => {
  it("names the running broker instance's private IP and DNS name", () => {
    expect(brokerCertificateSubject(caller, broker)).toEqual({
      ok: true,
      subject: {
        nodeId: 'b1',
        ipAddress: '10.0.1.23',
        dnsName: 'ip-10-0-1-23.eu-west-1.compute.internal',
      },
    });
  });

  it.each<[string, InstanceDescription | undefined, string, string]>([
    ['an instance EC2 does not know', undefined, 'unknown_instance', 'EC2 knows no instance'],
    [
      'an instance without the broker tag',
      { ...broker, tags: { Name: 'web' } },
      'not_a_broker',
      `no ${BROKER_TAG} tag`,
    ],
    [
      'a stopped broker',
      { ...broker, state: 'stopped' },
      'instance_not_running',
      'is stopped, not running',
    ],
    [
      'a broker still starting',
      { ...broker, state: 'pending' },
      'instance_not_running',
      'is pending',
    ],
    [
      'a session on a role that is not the instance profile’s',
      {
        ...broker,
        instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/WarrenBroker-b2-Role9',
      },
      'role_mismatch',
      `role ${ROLE} is not the role`,
    ],
    [
      'an instance with no instance profile',
      (({ instanceProfileArn: _, ...rest }) => rest)(broker),
      'role_mismatch',
      'is not the role',
    ],
    [
      'an instance with no private DNS name',
      (({ privateDnsName: _, ...rest }) => rest)(broker),
      'no_private_address',
      'no private IP address and DNS name',
    ],
  ])('refuses %s', (_case, instance, code, reason) => {
    expect(brokerCertificateSubject(caller, instance)).toEqual({
      ok: false,
      code,
      reason: expect.stringContaining(reason),
    });
  });
});
