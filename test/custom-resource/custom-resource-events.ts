import type { CustomResourceEvent } from '../../src/custom-resource/custom-resource-event.js';

const STACK_ID =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/WarrenBroker-b1/5b1e0b40-0000-11ef-8000-0a1b2c3d4e5f';
// The Provider framework's function, which CloudFormation puts in ResourceProperties.
const SERVICE_TOKEN =
  'arn:aws:lambda:eu-west-1:123456789012:function:WarrenRegistry-RegistrationProviderframeworkonEv-AbC';

type Request =
  | { RequestType: 'Create'; ResourceProperties: Record<string, unknown> }
  | {
      RequestType: 'Update';
      PhysicalResourceId: string;
      ResourceProperties: Record<string, unknown>;
      OldResourceProperties: Record<string, unknown>;
    }
  | {
      RequestType: 'Delete';
      PhysicalResourceId: string;
      ResourceProperties: Record<string, unknown>;
    };

/** A custom resource request as CDK's Provider framework hands it to an on-event function. */
export function customResourceEvent(
  request: Request,
  resourceType = 'Custom::WarrenBroker',
): CustomResourceEvent {
  const withToken = (properties: Record<string, unknown>) => ({
    ServiceToken: SERVICE_TOKEN,
    ...properties,
  });
  const common = {
    StackId: STACK_ID,
    RequestId: crypto.randomUUID(),
    LogicalResourceId: 'Registration',
    ResourceType: resourceType,
    ResourceProperties: withToken(request.ResourceProperties),
  };
  switch (request.RequestType) {
    case 'Create':
      return { ...common, RequestType: 'Create' };
    case 'Update':
      return {
        ...common,
        RequestType: 'Update',
        PhysicalResourceId: request.PhysicalResourceId,
        OldResourceProperties: withToken(request.OldResourceProperties),
      };
    case 'Delete':
      return { ...common, RequestType: 'Delete', PhysicalResourceId: request.PhysicalResourceId };
  }
}
