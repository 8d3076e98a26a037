import type { CustomResource, CustomResourceResult } from './custom-resource.js';
import {
  type CustomResourceEvent,
  describeIssues,
  parseCustomResourceEvent,
  type ResponseTarget,
} from './custom-resource-event.js';
import {
  type CustomResourceResponse,
  encodeResponse,
  reasonFor,
} from './custom-resource-response.js';
import { type SendResponseOptions, sendResponse } from './send-response.js';

/** The parts of the Lambda context the handler uses. */
export interface CustomResourceContext {
  readonly logStreamName?: string;
  getRemainingTimeInMillis?(): number;
}

export type CustomResourceHandler = (
  event: unknown,
  context?: CustomResourceContext,
) => Promise<void>;

export interface CustomResourceHandlerOptions extends SendResponseOptions {
  /** Where the one JSON log line per request goes. @default console.log */
  readonly log?: (line: string) => void;
}

/** ResourceProperties did not pass the resource's schema; the message names the fields. */
export class InvalidPropertiesError extends Error {
  constructor(problems: string) {
    super(`invalid ResourceProperties: ${problems}`);
    this.name = 'InvalidPropertiesError';
  }
}

/** The operation was still running when the function was about to time out. */
export class OperationTimeoutError extends Error {
  constructor(budgetMs: number) {
    super(`did not finish within ${budgetMs} ms, before the function's own timeout`);
    this.name = 'OperationTimeoutError';
  }
}

/** The request is not a well-formed CloudFormation custom resource request. */
export class MalformedRequestError extends Error {
  constructor(problems: string) {
    super(`malformed custom resource request: ${problems}`);
    this.name = 'MalformedRequestError';
  }
}

// A Create that failed still needs a physical id, and CloudFormation's rollback then
// deletes that id: this one can never name a real resource, so its Delete does nothing.
const FAILED_CREATE_PREFIX = 'failed-create:';
// Kept back from the function's remaining time to deliver a FAILED response before a timeout.
const RESPONSE_RESERVE_MS = 10_000;

type Outcome =
  | { readonly status: 'SUCCESS'; readonly result: CustomResourceResult }
  | { readonly status: 'FAILED'; readonly physicalResourceId: string; readonly error: unknown };

/**
 * A Lambda handler for a custom resource used directly as its `ServiceToken`:
 * validates the request, runs Create, Update or Delete, and always PUTs
 * SUCCESS or FAILED to the response URL (an unanswered request holds the stack
 * for an hour). It throws only when the response cannot be delivered, so that
 * Lambda's retry of the asynchronous invoke runs the (idempotent) operation again.
 * Pass a function to build the resource when building can fail (configuration):
 * its error then fails every request instead of crashing the container's init.
 *
 * @example export const handler = createCustomResourceHandler(() => createBrokerRegistrationResource({ registry, now: () => new Date() }));
 */
export function createCustomResourceHandler<P>(
  resource: CustomResource<P> | (() => CustomResource<P>),
  options: CustomResourceHandlerOptions = {},
): CustomResourceHandler {
  const built = typeof resource === 'function' ? build(resource) : resource;
  const log = options.log ?? ((line: string) => console.log(line));
  return async (input, context) => {
    const startedAt = Date.now();
    const parsed = parseCustomResourceEvent(input);
    if (parsed.kind === 'unanswerable') {
      // Nothing to answer: throwing at least fails the invocation visibly.
      const error = new MalformedRequestError(parsed.problems);
      log(JSON.stringify({ level: 'ERROR', message: error.message }));
      throw error;
    }
    const { target } = parsed;
    const event = parsed.kind === 'valid' ? parsed.event : undefined;
    const outcome =
      parsed.kind === 'valid'
        ? await runWithin(built, parsed.event, budgetOf(context))
        : failed(
            target.physicalResourceId ?? `${FAILED_CREATE_PREFIX}${target.requestId}`,
            new MalformedRequestError(parsed.problems),
          );
    const { response, body } = encodeResponse(responseFor(target, outcome, context));
    let deliveryError: unknown;
    try {
      await sendResponse(target.responseUrl, body, options);
    } catch (error) {
      deliveryError = error;
    }
    // The request's URL is a pre-signed credential and its properties are the resource's business: neither is logged.
    log(
      JSON.stringify({
        level: response.Status === 'SUCCESS' && !deliveryError ? 'INFO' : 'ERROR',
        message: `custom resource ${event?.RequestType ?? 'request'} ${response.Status}`,
        requestType: event?.RequestType,
        resourceType: event?.ResourceType,
        stackId: target.stackId,
        requestId: target.requestId,
        logicalResourceId: target.logicalResourceId,
        physicalResourceId: response.PhysicalResourceId,
        status: response.Status,
        reason: response.Reason,
        durationMs: Date.now() - startedAt,
        ...(outcome.status === 'FAILED' && { error: errorLog(outcome.error) }),
        ...(deliveryError !== undefined && { deliveryError: errorLog(deliveryError) }),
      }),
    );
    if (deliveryError !== undefined) throw deliveryError;
  };
}

function build<P>(setup: () => CustomResource<P>): CustomResource<P> | Error {
  try {
    return setup();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function budgetOf(context: CustomResourceContext | undefined): number | undefined {
  const remaining = context?.getRemainingTimeInMillis?.();
  return remaining === undefined ? undefined : Math.max(0, remaining - RESPONSE_RESERVE_MS);
}

async function runWithin<P>(
  resource: CustomResource<P> | Error,
  event: CustomResourceEvent,
  budgetMs: number | undefined,
): Promise<Outcome> {
  const failedId =
    event.RequestType === 'Create'
      ? `${FAILED_CREATE_PREFIX}${event.RequestId}`
      : event.PhysicalResourceId;
  let timer: NodeJS.Timeout | undefined;
  try {
    const operation = run(resource, event);
    const result =
      budgetMs === undefined
        ? await operation
        : await Promise.race([
            operation,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new OperationTimeoutError(budgetMs)), budgetMs);
            }),
          ]);
    if (result.physicalResourceId === '')
      throw new Error(`the ${event.RequestType} operation returned an empty physical id`);
    return { status: 'SUCCESS', result };
  } catch (error) {
    return failed(failedId, error);
  } finally {
    clearTimeout(timer);
  }
}

async function run<P>(
  resource: CustomResource<P> | Error,
  event: CustomResourceEvent,
): Promise<CustomResourceResult> {
  if (event.RequestType === 'Delete') {
    const physicalResourceId = event.PhysicalResourceId;
    if (physicalResourceId.startsWith(FAILED_CREATE_PREFIX))
      return { physicalResourceId, reason: 'its Create failed: nothing to delete' };
    if (resource instanceof Error) throw resource;
    const { reason } = await resource.onDelete({
      physicalResourceId,
      properties: event.ResourceProperties,
      requestId: event.RequestId,
    });
    return { physicalResourceId, ...(reason !== undefined && { reason }) };
  }
  if (resource instanceof Error) throw resource;
  const properties = resource.properties.safeParse(event.ResourceProperties);
  if (!properties.success) throw new InvalidPropertiesError(describeIssues(properties.error));
  if (event.RequestType === 'Create')
    return resource.onCreate({ properties: properties.data, requestId: event.RequestId });
  return resource.onUpdate({
    properties: properties.data,
    requestId: event.RequestId,
    physicalResourceId: event.PhysicalResourceId,
    oldProperties: event.OldResourceProperties,
  });
}

function failed(physicalResourceId: string, error: unknown): Outcome {
  return { status: 'FAILED', physicalResourceId, error };
}

function responseFor(
  target: ResponseTarget,
  outcome: Outcome,
  context: CustomResourceContext | undefined,
): CustomResourceResponse {
  const ids = {
    StackId: target.stackId,
    RequestId: target.requestId,
    LogicalResourceId: target.logicalResourceId,
  };
  if (outcome.status === 'FAILED') {
    const logs = context?.logStreamName ? ` (log stream ${context.logStreamName})` : '';
    return {
      Status: 'FAILED',
      Reason: `${reasonFor(outcome.error)}${logs}`,
      PhysicalResourceId: outcome.physicalResourceId,
      ...ids,
    };
  }
  const { result } = outcome;
  return {
    Status: 'SUCCESS',
    ...(result.reason !== undefined && { Reason: result.reason }),
    PhysicalResourceId: result.physicalResourceId,
    ...ids,
    ...(result.noEcho && { NoEcho: true }),
    ...(result.data && { Data: result.data }),
  };
}

function errorLog(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { message: String(error) };
}
