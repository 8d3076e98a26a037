import { DescribeInstancesCommand, type EC2Client, type Reservation } from '@aws-sdk/client-ec2';
import {
  type InstanceDescription,
  type InstanceDirectory,
  InstanceLookupError,
} from './instance-directory.js';

// What EC2 answers for an id it does not have, or one that is not an instance id.
const UNKNOWN_INSTANCE = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);

/**
 * Instances as EC2's DescribeInstances reports them (needs
 * `ec2:DescribeInstances`, which takes no resource-level permission).
 *
 * @example const instances = new Ec2InstanceDirectory(new EC2Client({})); await instances.describe('i-0123456789abcdef0');
 */
export class Ec2InstanceDirectory implements InstanceDirectory {
  readonly #client: EC2Client;

  constructor(client: EC2Client) {
    this.#client = client;
  }

  async describe(instanceId: string): Promise<InstanceDescription | undefined> {
    let reservations: Reservation[] | undefined;
    try {
      ({ Reservations: reservations } = await this.#client.send(
        new DescribeInstancesCommand({ InstanceIds: [instanceId] }),
      ));
    } catch (error) {
      if (error instanceof Error && UNKNOWN_INSTANCE.has(error.name)) return undefined;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new InstanceLookupError(instanceId, `DescribeInstances failed (${reason})`, {
        cause: error,
      });
    }
    const instance = (reservations ?? [])
      .flatMap((reservation) => reservation.Instances ?? [])
      .find((candidate) => candidate.InstanceId === instanceId);
    if (!instance) return undefined;
    const tags: Record<string, string> = {};
    for (const { Key, Value } of instance.Tags ?? []) {
      if (Key !== undefined) tags[Key] = Value ?? '';
    }
    return {
      instanceId,
      state: instance.State?.Name ?? 'unknown',
      ...(instance.PrivateIpAddress && { privateIpAddress: instance.PrivateIpAddress }),
      ...(instance.PrivateDnsName && { privateDnsName: instance.PrivateDnsName }),
      ...(instance.IamInstanceProfile?.Arn && {
        instanceProfileArn: instance.IamInstanceProfile.Arn,
      }),
      tags,
    };
  }
}
