/** The EC2 instance that signed a request with its instance-profile role. */
export interface InstanceCaller {
  readonly accountId: string;
  /** The role's name; an assumed-role ARN carries no role path. */
  readonly roleName: string;
  readonly instanceId: string;
}

export type InstanceCallerReading =
  | { readonly ok: true; readonly caller: InstanceCaller }
  | { readonly ok: false; readonly reason: string };

/**
 * `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`. EC2 names an
 * instance-profile role's session after the instance: the IAM User Guide gives
 * `aws:userid` of "a role assigned to an Amazon EC2 instance" as
 * `role-id:ec2-instance-id`, `role-id:session-name` for every assumed role.
 */
const ASSUMED_ROLE_ARN =
  /^arn:aws(?:-[a-z]+)*:sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/(i-[0-9a-f]{8}(?:[0-9a-f]{9})?)$/;

/**
 * The instance behind a caller, from the identity Lambda verified for a
 * function URL with AWS_IAM auth (`requestContext.authorizer.iam`): `userArn`
 * must be an assumed-role session named like an instance id, and `userId`
 * (`<role-id>:<session>`), when given, must name the same session. That the
 * role is really the instance's own is checked against EC2 afterwards: any
 * principal allowed to assume a role can pick its session name.
 *
 * @example readInstanceCaller('arn:aws:sts::123456789012:assumed-role/broker/i-0123456789abcdef0') // { ok: true, caller: { instanceId: 'i-0123456789abcdef0', … } }
 */
export function readInstanceCaller(
  userArn: string | undefined,
  userId?: string,
): InstanceCallerReading {
  if (userArn === undefined) return { ok: false, reason: 'the request carries no IAM identity' };
  const match = ASSUMED_ROLE_ARN.exec(userArn);
  const [, accountId, roleName, instanceId] = match ?? [];
  if (!accountId || !roleName || !instanceId) {
    return {
      ok: false,
      reason: `${userArn} is not an EC2 instance-profile session (assumed-role/<role>/<instance id>)`,
    };
  }
  if (userId !== undefined && !userId.endsWith(`:${instanceId}`)) {
    return { ok: false, reason: `the caller's user id does not name session ${instanceId}` };
  }
  return { ok: true, caller: { accountId, roleName, instanceId } };
}
