import type * as z from 'zod';

type Properties = Readonly<Record<string, unknown>>;

interface EventCommon {
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  /** Not validated: checked by each resource's schema on Create and Update only. */
  readonly ResourceProperties: Properties;
}

/**
 * A CloudFormation custom resource request as CDK's `Provider` framework hands
 * it to an on-event function: only the fields warren reads (no
 * `@types/aws-lambda` here). The framework itself answers CloudFormation.
 *
 * @example const event: CustomResourceEvent = { RequestType: 'Delete', PhysicalResourceId: 'b1', … };
 */
export type CustomResourceEvent =
  | (EventCommon & { readonly RequestType: 'Create' })
  | (EventCommon & {
      readonly RequestType: 'Update';
      readonly PhysicalResourceId: string;
      readonly OldResourceProperties: Properties;
    })
  | (EventCommon & { readonly RequestType: 'Delete'; readonly PhysicalResourceId: string });

/**
 * What an on-event function returns; the framework sends it as SUCCESS. An
 * Update that returns a new id replaces the resource: CloudFormation then
 * deletes the old id. A throw becomes FAILED, its message the Reason.
 */
export interface OnEventResult {
  readonly PhysicalResourceId: string;
  /** Attributes for `Fn::GetAtt`; the whole response must stay under CloudFormation's 4 KiB. */
  readonly Data?: Readonly<Record<string, string>>;
}

/**
 * A custom resource's on-event logic: the `handler` of the function a
 * `Provider` is given as `onEventHandler`.
 *
 * @example export const handler: OnEventHandler = createFleetCaResource({ storeFor, now });
 */
export type OnEventHandler = (event: CustomResourceEvent) => Promise<OnEventResult>;

/** ResourceProperties did not pass the resource's schema; the message names the fields, never their values. */
export class InvalidPropertiesError extends Error {
  constructor(problems: string) {
    super(`invalid ResourceProperties: ${problems}`);
    this.name = 'InvalidPropertiesError';
  }
}

/**
 * The event's ResourceProperties, validated by `schema`.
 *
 * @example const properties = parseResourceProperties(fleetCaProperties, event.ResourceProperties);
 * @throws InvalidPropertiesError naming each bad field and what it must be
 */
export function parseResourceProperties<S extends z.ZodType>(
  schema: S,
  properties: Properties,
): z.output<S> {
  const parsed = schema.safeParse(properties);
  if (parsed.success) return parsed.data;
  // `Path: message; Path: message`: zod's messages name the field, never echo its value.
  const problems = parsed.error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
  throw new InvalidPropertiesError(problems);
}

/**
 * Fails a request of a type CloudFormation never sends; `event` is `never`
 * once a switch on RequestType is exhaustive.
 *
 * @example default: return unknownRequest(event);
 */
export function unknownRequest(event: never): never {
  const { RequestType } = event as { readonly RequestType?: unknown };
  throw new Error(`unknown custom resource RequestType ${JSON.stringify(RequestType)}`);
}

/**
 * Where an on-event function reports what it did (the framework's SUCCESS
 * carries no reason of ours): one JSON line in the function's log.
 *
 * @example logOutcome('broker b1 retired');
 */
export function logOutcome(message: string): void {
  console.log(JSON.stringify({ level: 'INFO', message }));
}
