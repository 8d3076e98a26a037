import type { InstanceCaller } from './instance-caller.js';
import { BROKER_TAG, type InstanceDescription } from './instance-directory.js';

/** What a broker certificate names: the instance's private address and DNS name, nothing else. */
export interface BrokerCertificateSubject {
  /** The broker id from the instance's `warren:broker` tag. */
  readonly nodeId: string;
  readonly ipAddress: string;
  /** Also the certificate's common name. */
  readonly dnsName: string;
}

export type BrokerCertificateRefusal = {
  readonly ok: false;
  readonly code:
    | 'unknown_instance'
    | 'not_a_broker'
    | 'instance_not_running'
    | 'role_mismatch'
    | 'no_private_address';
  readonly reason: string;
};

export type BrokerCertificateSubjectReading =
  | { readonly ok: true; readonly subject: BrokerCertificateSubject }
  | BrokerCertificateRefusal;

/**
 * Whether the calling instance gets a broker certificate, and for what. It
 * must be a running instance tagged `warren:broker`, and the role that signed
 * the request must be the role of the instance's own instance profile (broker
 * stacks name the profile after its role): a session named after the instance
 * but taken on another role proves nothing about the instance.
 *
 * @example const reading = brokerCertificateSubject(caller, await instances.describe(caller.instanceId));
 */
export function brokerCertificateSubject(
  caller: InstanceCaller,
  instance: InstanceDescription | undefined,
): BrokerCertificateSubjectReading {
  const id = caller.instanceId;
  if (!instance) return refuse('unknown_instance', `EC2 knows no instance ${id}`);
  const nodeId = instance.tags[BROKER_TAG];
  if (!nodeId) return refuse('not_a_broker', `instance ${id} has no ${BROKER_TAG} tag`);
  if (instance.state !== 'running') {
    return refuse('instance_not_running', `instance ${id} is ${instance.state}, not running`);
  }
  const profileName = instance.instanceProfileArn?.split('/').pop();
  if (profileName !== caller.roleName) {
    return refuse(
      'role_mismatch',
      `role ${caller.roleName} is not the role of instance ${id}'s instance profile`,
    );
  }
  if (!instance.privateIpAddress || !instance.privateDnsName) {
    return refuse('no_private_address', `instance ${id} has no private IP address and DNS name`);
  }
  return {
    ok: true,
    subject: { nodeId, ipAddress: instance.privateIpAddress, dnsName: instance.privateDnsName },
  };
}

function refuse(code: BrokerCertificateRefusal['code'], reason: string): BrokerCertificateRefusal {
  return { ok: false, code, reason };
}
