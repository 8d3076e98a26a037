import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createLambdaHandler } from '../../src/http/lambda-dispatch.js';
import { createOpenApiDocument, openApiJson } from '../../src/http/openapi-document.js';
import { messageResultSchema, nodeViewSchema } from '../../src/http/openapi-schemas.js';
import { createCachedFleetView } from '../../src/registry/cached-fleet-view.js';
import { DEFAULT_PUBLISH_LIMITS } from '../../src/service/publish-limits.js';
import { parsePublishRequest } from '../../src/service/publish-request.js';
import { publishService } from '../../src/service/publish-service.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import { functionUrlEvent } from '../support/lambda-events.js';
import { recordingPublisher } from '../support/recording-publisher.js';

const document = createOpenApiDocument();

/** The document's JSON schema for a component, with refs to the other components resolved. */
function componentValidator(name: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
  return ajv.compile({ $ref: `doc#/components/schemas/${name}` });
}

const zodAccepts = (request: unknown) => {
  try {
    parsePublishRequest(request, DEFAULT_PUBLISH_LIMITS);
    return true;
  } catch {
    return false;
  }
};

describe('OpenAPI document', () => {
  it("states the package's version, so a release cannot leave it behind", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

    expect(document.info.version).toBe(pkg.version);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document));

    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('is checked in as docs/openapi.json, as generated', async () => {
    const checkedIn = await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8');

    expect(checkedIn, 'docs/openapi.json is out of date: run `npm run openapi`').toBe(
      openApiJson(),
    );
  });

  it('is served at GET /openapi.json by the HTTP app and the Lambda alike', async () => {
    const registry = { listNodes: async () => ({ nodes: [], rejected: [] }) };
    const service = publishService({
      publisher: recordingPublisher(),
      topology: defaultTopology,
      fleet: createCachedFleetView({ registry, ttlMs: 1_000, clock: Date.now }),
      probeIntervalMs: 1_000,
    });

    const response = await createApp(service).request('/openapi.json');
    const lambda = await createLambdaHandler(service)(
      functionUrlEvent('GET', '/openapi.json', null),
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(document);
    expect(lambda.statusCode).toBe(200);
    expect(JSON.parse(lambda.body)).toEqual(document);
  });

  it('describes every route with its statuses', () => {
    const publish = document.paths['/v1/publish'].post.responses;

    expect(Object.keys(publish).sort()).toEqual([
      '200',
      '207',
      '400',
      '404',
      '413',
      '415',
      '422',
      '503',
    ]);
    expect(publish['503'].headers).toHaveProperty('Retry-After');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/healthz',
      '/openapi.json',
      '/v1/nodes',
      '/v1/publish',
    ]);
  });

  it.each([
    ['a queue request', { queue: 'tasks', messages: [{ body: { job: 1 } }] }],
    [
      'an exchange request with a routing key',
      {
        exchange: 'events',
        routingKey: 'a.b',
        messages: [{ body: null, id: 'm-1', key: 'k', headers: { 'x-trace': '1' } }],
      },
    ],
    ['replicas 3', { queue: 'tasks', messages: [{ body: 1 }], replicas: 3 }],
  ])('accepts what the zod schema accepts: %s', (_name, request) => {
    expect(zodAccepts(request)).toBe(true);
    expect(componentValidator('PublishRequest')(request)).toBe(true);
  });

  it.each([
    ['no messages', { queue: 'tasks', messages: [] }],
    ['a message without a body', { queue: 'tasks', messages: [{ id: 'a' }] }],
    ['an unknown field', { queue: 'tasks', messages: [{ body: 1 }], priority: 9 }],
    ['an unknown message field', { queue: 'tasks', messages: [{ body: 1, ttl: 5 }] }],
    ['both queue and exchange', { queue: 'q', exchange: 'e', messages: [{ body: 1 }] }],
    ['neither queue nor exchange', { messages: [{ body: 1 }] }],
    ['an empty queue name', { queue: '', messages: [{ body: 1 }] }],
    ['a bad message id', { queue: 'q', messages: [{ id: 'a b', body: 1 }] }],
    ['an empty key', { queue: 'q', messages: [{ key: '', body: 1 }] }],
    ['a number header', { queue: 'q', messages: [{ body: 1, headers: { a: 1 } }] }],
    ['replicas 4', { queue: 'q', messages: [{ body: 1 }], replicas: 4 }],
    ['replicas 1.5', { queue: 'q', messages: [{ body: 1 }], replicas: 1.5 }],
    ['a string for messages', { queue: 'q', messages: 'x' }],
  ])('refuses what the zod schema refuses: %s', (_name, request) => {
    expect(zodAccepts(request)).toBe(false);
    expect(componentValidator('PublishRequest')(request)).toBe(false);
  });

  it('describes results and nodes as their zod schemas parse them', () => {
    const results = {
      results: [
        messageResultSchema.parse({ id: 'a', status: 'accepted', node: 'b1', nodes: ['b1'] }),
        messageResultSchema.parse({ id: 'b', status: 'failed', code: 'deadline', error: 'late' }),
      ],
    };
    const node = nodeViewSchema.parse({
      id: 'b1',
      endpoint: 'amqp://10.0.0.1:5672',
      managementEndpoint: null,
      az: null,
      labels: {},
      health: { state: 'unhealthy', since: 't', reason: 'refused' },
      admin: { state: 'active', since: 't' },
      stale: false,
      lastProbeAt: null,
      latencyMs: 3,
      consecutiveFailures: 1,
      consecutiveSuccesses: 0,
      flapCount: 0,
      holdDownUntil: null,
      outlierReportedAt: null,
      registeredAt: 't',
    });

    expect(componentValidator('PublishResponse')(results)).toBe(true);
    expect(componentValidator('PublishResponse')({ results: [{ id: 'a', status: 'odd' }] })).toBe(
      false,
    );
    expect(
      componentValidator('NodesResponse')({
        nodes: [node],
        rejected: [],
        source: 'registry',
        fetchedAt: 't',
      }),
    ).toBe(true);
    expect(
      componentValidator('NodesResponse')({
        nodes: [{ ...node, stale: 'no' }],
        rejected: [],
        source: 'registry',
        fetchedAt: 't',
      }),
    ).toBe(false);
  });
});
