import * as z from 'zod';

const properties = z.record(z.string(), z.unknown());

// Unknown top-level fields are dropped, not refused: CloudFormation may add some.
const common = {
  ResponseURL: z.url(),
  StackId: z.string().min(1),
  RequestId: z.string().min(1),
  LogicalResourceId: z.string().min(1),
  ResourceType: z.string().min(1),
  ServiceToken: z.string().optional(),
  ResourceProperties: properties,
};

/**
 * The request CloudFormation sends a Lambda-backed custom resource
 * (no `@types/aws-lambda` here: this schema is the contract).
 */
export const customResourceEvent = z.discriminatedUnion('RequestType', [
  z.object({ RequestType: z.literal('Create'), ...common }),
  z.object({
    RequestType: z.literal('Update'),
    ...common,
    PhysicalResourceId: z.string().min(1),
    OldResourceProperties: properties,
  }),
  z.object({ RequestType: z.literal('Delete'), ...common, PhysicalResourceId: z.string().min(1) }),
]);

export type CustomResourceEvent = z.infer<typeof customResourceEvent>;

/** Where and as what to answer a request: all a FAILED response needs. */
export interface ResponseTarget {
  readonly responseUrl: string;
  readonly stackId: string;
  readonly requestId: string;
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
}

export type ParsedEvent =
  | { readonly kind: 'valid'; readonly event: CustomResourceEvent; readonly target: ResponseTarget }
  | { readonly kind: 'malformed'; readonly problems: string; readonly target: ResponseTarget }
  /** Not even a response URL: there is nowhere to send FAILED. */
  | { readonly kind: 'unanswerable'; readonly problems: string };

// Just enough of a malformed event to answer it: an unanswered request holds the stack for an hour.
const answerable = z.object({
  ResponseURL: z.string().min(1),
  StackId: z.string().catch(''),
  RequestId: z.string().catch(''),
  LogicalResourceId: z.string().catch(''),
  PhysicalResourceId: z.string().min(1).optional().catch(undefined),
});

/**
 * Validates a custom resource request; a malformed one still yields where to
 * send FAILED, when it has a response URL at all.
 *
 * @example const parsed = parseCustomResourceEvent(event); if (parsed.kind !== 'valid') console.log(parsed.problems);
 */
export function parseCustomResourceEvent(input: unknown): ParsedEvent {
  const parsed = customResourceEvent.safeParse(input);
  if (parsed.success) {
    const event = parsed.data;
    const target = {
      responseUrl: event.ResponseURL,
      stackId: event.StackId,
      requestId: event.RequestId,
      logicalResourceId: event.LogicalResourceId,
      ...(event.RequestType !== 'Create' && { physicalResourceId: event.PhysicalResourceId }),
    };
    return { kind: 'valid', event, target };
  }
  const problems = describeIssues(parsed.error);
  const answer = answerable.safeParse(input);
  if (!answer.success) return { kind: 'unanswerable', problems };
  const { ResponseURL, StackId, RequestId, LogicalResourceId, PhysicalResourceId } = answer.data;
  return {
    kind: 'malformed',
    problems,
    target: {
      responseUrl: ResponseURL,
      stackId: StackId,
      requestId: RequestId,
      logicalResourceId: LogicalResourceId,
      ...(PhysicalResourceId !== undefined && { physicalResourceId: PhysicalResourceId }),
    },
  };
}

/** `Path: message; Path: message`, naming fields, never echoing their values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}
