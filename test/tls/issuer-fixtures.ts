import type { LambdaEvent } from 'hono/aws-lambda';
import {
  BROKER_TAG,
  type InstanceDescription,
  type InstanceDirectory,
} from '../../src/tls/instance-directory.js';
import { functionUrlEvent } from '../support/lambda-events.js';

export const ACCOUNT_ID = '123456789012';
export const BROKER_ROLE = 'WarrenBroker-b1-Role1ABCD2345EF';
export const INSTANCE_ID = 'i-0123456789abcdef0';

/** A running broker instance as EC2 describes one. */
export const BROKER_INSTANCE: InstanceDescription = {
  instanceId: INSTANCE_ID,
  state: 'running',
  privateIpAddress: '10.0.1.23',
  privateDnsName: 'ip-10-0-1-23.eu-west-1.compute.internal',
  instanceProfileArn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${BROKER_ROLE}`,
  tags: { [BROKER_TAG]: 'b1' },
};

/** The session ARN Lambda reports for a request signed with an instance's role credentials. */
export function instanceSessionArn(instanceId = INSTANCE_ID, role = BROKER_ROLE): string {
  return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role}/${instanceId}`;
}

/**
 * A function URL event with AWS_IAM auth, `requestContext.authorizer.iam` as
 * Lambda fills it for a request signed by `userArn` (none: no identity at all).
 */
export function issuerEvent(
  body: string | null,
  userArn: string | undefined = instanceSessionArn(),
  method = 'POST',
): LambdaEvent {
  const event = functionUrlEvent(method, '/', body);
  const session = userArn?.split('/').pop() ?? '';
  return {
    ...event,
    requestContext: {
      ...event.requestContext,
      authorizer:
        userArn === undefined
          ? {}
          : {
              iam: {
                accessKey: 'ASIAEXAMPLEEXAMPLE',
                accountId: ACCOUNT_ID,
                callerId: `AROAEXAMPLEROLEID:${session}`,
                cognitoIdentity: null,
                principalOrgId: null,
                userArn,
                userId: `AROAEXAMPLEROLEID:${session}`,
              },
            },
    },
  } as LambdaEvent;
}

/** EC2 as a map of instances: a stand-in for the port, not the thing under test. */
export class InMemoryInstanceDirectory implements InstanceDirectory {
  readonly lookups: string[] = [];
  failure: Error | undefined;

  constructor(readonly instances: Map<string, InstanceDescription> = new Map()) {}

  async describe(instanceId: string): Promise<InstanceDescription | undefined> {
    this.lookups.push(instanceId);
    if (this.failure) throw this.failure;
    return this.instances.get(instanceId);
  }
}
