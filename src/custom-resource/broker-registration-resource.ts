import * as z from 'zod';
import { parseAmqpUrl } from '../core/amqp-endpoint.js';
import { assertNodeId, NODE_ID_PATTERN } from '../core/node-id.js';
import { managementEndpointProblem } from '../prober/check-alarms.js';
import {
  type HealthRegistry,
  NodeNotFoundError,
  type NodeRegistration,
} from '../registry/health-registry.js';
import {
  type CustomResourceEvent,
  logOutcome,
  type OnEventHandler,
  parseResourceProperties,
  unknownRequest,
} from './custom-resource-event.js';

// CloudFormation passes an unset optional property as '' when a template computes it.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const nodeId = z.string().transform((input, context) => {
  try {
    return assertNodeId(input);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

// Messages never echo the URL: a mistaken one could carry a password.
const amqpEndpoint = z.string().refine((input) => {
  try {
    return parseAmqpUrl(input).username === undefined;
  } catch {
    return false;
  }
}, 'must be an amqp:// or amqps:// URL without credentials');

// https (http only to loopback): the prober sends the broker's credentials to it.
const managementEndpoint = z.string().refine((input) => {
  if (!URL.canParse(input)) return false;
  const url = new URL(input);
  return managementEndpointProblem(url) === undefined && url.username === '' && url.password === '';
}, 'must be an https:// URL without credentials (plain http:// only to a loopback host)');

/** The properties of a `Custom::WarrenBroker` resource. */
export const brokerRegistrationProperties = z.strictObject({
  ServiceToken: z.string().optional(),
  NodeId: nodeId,
  Endpoint: amqpEndpoint,
  ManagementEndpoint: optional(managementEndpoint),
  Az: optional(z.string().min(1)),
  Labels: optional(z.record(z.string(), z.string())),
});

export type BrokerRegistrationProperties = z.infer<typeof brokerRegistrationProperties>;

export interface BrokerRegistrationDeps {
  readonly registry: HealthRegistry;
  readonly now: () => Date;
  /** Where each request's outcome is reported. @default logOutcome (a JSON line) */
  readonly log?: (message: string) => void;
}

/**
 * The on-event logic of `Custom::WarrenBroker`, a broker stack's membership in
 * the registry. Create (and an Update to a new NodeId) registers the node,
 * reactivating it when a destroyed stack had left it `retired`; an Update of the
 * same node changes its endpoint details and never its admin state (an operator
 * may be draining it); Delete retires it. The physical id is the node id; Data
 * `{ NodeId }`.
 *
 * @example export const handler = createBrokerRegistrationResource({ registry, now: () => new Date() });
 */
export function createBrokerRegistrationResource({
  registry,
  now,
  log = logOutcome,
}: BrokerRegistrationDeps): OnEventHandler {
  const register = async (event: Exclude<CustomResourceEvent, { RequestType: 'Delete' }>) => {
    const properties = parseResourceProperties(
      brokerRegistrationProperties,
      event.ResourceProperties,
    );
    const id = properties.NodeId;
    // A new NodeId is a new physical resource: CloudFormation deletes (retires) the old one next.
    const joining = event.RequestType === 'Create' || id !== event.PhysicalResourceId;
    const outcome = await registry.registerNode(registrationOf(properties), now());
    if (outcome === 'created') log(`broker ${id} registered`);
    else if (joining && (await adminStateOf(id)) === 'retired') {
      await registry.setAdminState(id, 'active', now());
      log(`broker ${id} was retired: registered again and set active`);
    } else log(`broker ${id} endpoint details updated`);
    return { PhysicalResourceId: id, Data: { NodeId: id } };
  };

  const adminStateOf = async (id: string) => {
    const { nodes } = await registry.listNodes();
    return nodes.find((node) => node.id === id)?.admin.state;
  };

  // Properties are not validated on Delete: a resource must stay deletable whatever they say.
  const retire = async (id: string) => {
    // An id no broker can have (e.g. one a failed Create left) has nothing to retire.
    if (!NODE_ID_PATTERN.test(id)) return log(`${id} is not a broker id: nothing to retire`);
    try {
      await registry.setAdminState(id, 'retired', now());
      log(`broker ${id} retired`);
    } catch (error) {
      if (!(error instanceof NodeNotFoundError)) throw error;
      log(`broker ${id} is not in the registry: nothing to retire`);
    }
  };

  return async (event) => {
    switch (event.RequestType) {
      case 'Create':
      case 'Update':
        return register(event);
      case 'Delete':
        await retire(event.PhysicalResourceId);
        return { PhysicalResourceId: event.PhysicalResourceId };
      default:
        return unknownRequest(event);
    }
  };
}

function registrationOf(properties: BrokerRegistrationProperties): NodeRegistration {
  return {
    id: properties.NodeId,
    endpoint: properties.Endpoint,
    ...(properties.ManagementEndpoint && { managementEndpoint: properties.ManagementEndpoint }),
    ...(properties.Az && { az: properties.Az }),
    ...(properties.Labels && { labels: properties.Labels }),
  };
}
