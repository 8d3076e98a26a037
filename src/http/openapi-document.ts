import * as z from 'zod';
import { MAX_REPLICAS, MIN_REPLICAS } from '../core/replicas.js';
import { publishRequestSchema } from '../service/publish-request-schema.js';
import {
  errorBodySchema,
  healthResponseSchema,
  nodesResponseSchema,
  publishResponseSchema,
} from './openapi-schemas.js';
import { PUBLISH_PATH } from './publish-route.js';

/**
 * Why zod 4's own `z.toJSONSchema()` and not @hono/zod-openapi's routes: the
 * publish route reads its body itself (byte limit, content type, our JSON
 * errors), which zod-openapi's validating routes would take over, and this
 * way the schema that validates a request is the very one converted here.
 * JSON Schema draft 2020-12 is OpenAPI 3.1's dialect: no translation needed.
 * Refinements JSON Schema cannot say (reserved header names, exactly one of
 * `queue` or `exchange`, sizes in bytes) are described in words.
 */

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return json;
}

/** The request body as the document states it: zod's conversion plus what refinements check. */
export function publishRequestJsonSchema(): JsonSchema {
  const json = toJsonSchema(publishRequestSchema, 'input');
  const properties = json.properties as Record<string, JsonSchema>;
  properties.replicas = {
    ...properties.replicas,
    type: 'integer',
    minimum: MIN_REPLICAS,
    maximum: MAX_REPLICAS,
    description: "Distinct brokers that must confirm each message; absent: the service's default.",
  };
  return {
    ...json,
    description:
      'Give exactly one of `queue` or `exchange` (`routingKey` only with `exchange`). Header names ' +
      'match `^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`, at most 64, none reserved (x-death, CC, BCC, x-warren-*), ' +
      'at most 65 536 bytes of names and values in all (413 `message_too_large` over it); ' +
      'message ids are unique within a request.',
    oneOf: [{ required: ['queue'] }, { required: ['exchange'] }],
  };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
};
const error = (description: string, headers?: object) => ({
  description,
  ...json('ErrorBody'),
  ...(headers && { headers }),
});

/**
 * The OpenAPI 3.1 description of the warren HTTP API, generated from the zod
 * schemas that validate requests and describe responses. Served at
 * `GET /openapi.json` and checked in as docs/openapi.json (`npm run openapi`).
 *
 * @example const doc = createOpenApiDocument(); doc.paths['/v1/publish'];
 */
export function createOpenApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'warren',
      version: '0.1.0',
      description:
        'Publishes to a fleet of independent RabbitMQ brokers, picking a healthy one and failing over. ' +
        'Every error is `{ "error": { "code", "message" } }`.',
    },
    paths: {
      [PUBLISH_PATH]: {
        post: {
          operationId: 'publish',
          summary: 'Publish messages to a queue or an exchange',
          requestBody: { required: true, ...json('PublishRequest') },
          responses: {
            '200': { description: 'Every message accepted.', ...json('PublishResponse') },
            '207': {
              description: 'Some messages accepted; see each result.',
              ...json('PublishResponse'),
            },
            '400': error('invalid_request or malformed_json.'),
            '404': error('unknown_destination: the queue or exchange is not in the topology.'),
            '413': error('request_too_large, too_many_messages or message_too_large.'),
            '415': error('unsupported_media_type: send Content-Type: application/json.'),
            '422': {
              description:
                'Nothing accepted, every message unroutable (the results), or unroutable (an error).',
              content: {
                'application/json': {
                  schema: { oneOf: [ref('PublishResponse'), ref('ErrorBody')] },
                },
              },
            },
            '503': {
              description:
                'Nothing accepted and a retry may help (the results), or registry_unavailable.',
              headers: retryAfter,
              content: {
                'application/json': {
                  schema: { oneOf: [ref('PublishResponse'), ref('ErrorBody')] },
                },
              },
            },
          },
        },
      },
      '/v1/nodes': {
        get: {
          operationId: 'nodes',
          summary: 'The brokers in the registry, as the publisher sees them',
          responses: {
            '200': { description: 'The fleet.', ...json('NodesResponse') },
            '503': error('registry_unavailable.', retryAfter),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Readiness: whether the registry can be read',
          responses: {
            '200': { description: 'Ready.', ...json('HealthResponse') },
            '503': { description: 'Unready.', ...json('HealthResponse') },
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: {
            '200': {
              description: 'The OpenAPI 3.1 document.',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        PublishRequest: publishRequestJsonSchema(),
        PublishResponse: toJsonSchema(publishResponseSchema, 'output'),
        ErrorBody: toJsonSchema(errorBodySchema, 'output'),
        NodesResponse: toJsonSchema(nodesResponseSchema, 'output'),
        HealthResponse: toJsonSchema(healthResponseSchema, 'output'),
      },
    },
  };
}

/** The document as docs/openapi.json holds it. */
export const openApiJson = (): string => `${JSON.stringify(createOpenApiDocument(), null, 2)}\n`;
