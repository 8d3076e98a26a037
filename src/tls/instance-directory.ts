/** Tag on every resource of a broker stack, the instance included, valued with the broker id. */
export const BROKER_TAG = 'warren:broker';

/** What EC2 says about one instance, as far as issuing it a certificate goes. */
export interface InstanceDescription {
  readonly instanceId: string;
  /** EC2's state name: `pending`, `running`, `stopping`, … */
  readonly state: string;
  readonly privateIpAddress?: string;
  readonly privateDnsName?: string;
  /** `arn:aws:iam::<account>:instance-profile/<path><name>` */
  readonly instanceProfileArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Where the certificate issuer looks instances up. */
export interface InstanceDirectory {
  /** The instance, or undefined when EC2 does not know it. */
  describe(instanceId: string): Promise<InstanceDescription | undefined>;
}

/** EC2 could not be asked; names the instance, never a credential. */
export class InstanceLookupError extends Error {
  readonly instanceId: string;
  constructor(instanceId: string, message: string, options?: ErrorOptions) {
    super(`instance ${instanceId}: ${message}`, options);
    this.name = 'InstanceLookupError';
    this.instanceId = instanceId;
  }
}
