import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type CustomResourceHandlerOptions,
  createCustomResourceHandler,
} from '../../src/custom-resource/create-custom-resource-handler.js';
import type {
  CustomResource,
  DeleteRequest,
  UpdateRequest,
} from '../../src/custom-resource/custom-resource.js';
import { MAX_RESPONSE_BYTES } from '../../src/custom-resource/custom-resource-response.js';
import { ResponseDeliveryError } from '../../src/custom-resource/send-response.js';
import {
  customResourceRequest,
  type ResponseServer,
  startResponseServer,
} from './response-server.js';

const properties = z.strictObject({
  ServiceToken: z.string().optional(),
  Name: z.string().min(1),
  Size: z.coerce.number().int().default(3),
});
type Properties = z.infer<typeof properties>;

/** A resource that records what it was asked and answers from its name. */
function recordingResource(overrides: Partial<CustomResource<Properties>> = {}) {
  const calls: {
    created: Properties[];
    updated: UpdateRequest<Properties>[];
    deleted: DeleteRequest[];
  } = { created: [], updated: [], deleted: [] };
  const resource: CustomResource<Properties> = {
    properties,
    async onCreate({ properties }) {
      calls.created.push(properties);
      return {
        physicalResourceId: properties.Name,
        data: { Name: properties.Name },
        reason: 'made',
      };
    },
    async onUpdate(request) {
      calls.updated.push(request);
      return {
        physicalResourceId: request.properties.Name,
        data: { Name: request.properties.Name },
      };
    },
    async onDelete(request) {
      calls.deleted.push(request);
      return { reason: 'gone' };
    },
    ...overrides,
  };
  return { resource, calls };
}

describe('createCustomResourceHandler', () => {
  let server: ResponseServer;
  let logLines: string[];
  let options: CustomResourceHandlerOptions;

  beforeEach(async () => {
    server = await startResponseServer();
    logLines = [];
    options = { log: (line) => logLines.push(line), retryDelaysMs: [10] };
  });
  afterEach(async () => {
    await server.close();
  });

  it('PUTs SUCCESS with the request ids, the physical id and Data, with an empty content type', async () => {
    const { resource, calls } = recordingResource();
    const event = customResourceRequest(server.url(), {
      RequestType: 'Create',
      ResourceProperties: { Name: 'alpha', Size: '5' },
    });

    await createCustomResourceHandler(resource, options)(event);

    const { method, path, headers, body } = server.only();
    expect(method).toBe('PUT');
    expect(path).toBe('/cfn-responses/response?X-Amz-Signature=not-a-real-signature');
    expect(headers['content-type']).toBe('');
    expect(body).toEqual({
      Status: 'SUCCESS',
      Reason: 'made',
      PhysicalResourceId: 'alpha',
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: 'Registration',
      Data: { Name: 'alpha' },
    });
    expect(calls.created).toEqual([{ ServiceToken: event.ServiceToken, Name: 'alpha', Size: 5 }]);
  });

  it('hands Update the current physical id and the old properties, and answers with the id it returns', async () => {
    const { resource, calls } = recordingResource();
    const event = customResourceRequest(server.url(), {
      RequestType: 'Update',
      PhysicalResourceId: 'alpha',
      ResourceProperties: { Name: 'beta' },
      OldResourceProperties: { Name: 'alpha' },
    });

    await createCustomResourceHandler(resource, options)(event);

    expect(calls.updated).toMatchObject([
      {
        physicalResourceId: 'alpha',
        properties: { Name: 'beta', Size: 3 },
        oldProperties: { Name: 'alpha' },
      },
    ]);
    expect(server.only().body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'beta' });
  });

  it('answers Delete with the physical id it was given, without validating the properties', async () => {
    const { resource, calls } = recordingResource();
    const event = customResourceRequest(server.url(), {
      RequestType: 'Delete',
      PhysicalResourceId: 'alpha',
      ResourceProperties: { Name: '', Unknown: true },
    });

    await createCustomResourceHandler(resource, options)(event);

    expect(calls.deleted.map((request) => request.physicalResourceId)).toEqual(['alpha']);
    expect(server.only().body).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'gone',
      PhysicalResourceId: 'alpha',
    });
  });

  it('answers FAILED, naming the problem, when the request is malformed', async () => {
    const { resource, calls } = recordingResource();
    const event = {
      ...customResourceRequest(server.url(), {
        RequestType: 'Delete',
        PhysicalResourceId: 'alpha',
        ResourceProperties: {},
      }),
      RequestType: 'Destroy',
    };

    await createCustomResourceHandler(resource, options)(event);

    const { body } = server.only();
    expect(body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'alpha',
      RequestId: event.RequestId,
      StackId: event.StackId,
    });
    expect(body.Reason).toMatch(
      /^MalformedRequestError: malformed custom resource request: RequestType: /,
    );
    expect(calls.deleted).toEqual([]);
  });

  it('answers FAILED naming the invalid properties, without echoing their values', async () => {
    const { resource, calls } = recordingResource();
    const event = customResourceRequest(server.url(), {
      RequestType: 'Create',
      ResourceProperties: { Name: 'alpha', Size: 'hunter2-secret', Colour: 'red' },
    });

    await createCustomResourceHandler(resource, options)(event);

    const { body } = server.only();
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toMatch(/^InvalidPropertiesError: invalid ResourceProperties: .*Size: /);
    expect(body.Reason).toContain('Colour');
    expect(body.Reason).not.toContain('hunter2-secret');
    expect(body.PhysicalResourceId).toBe(`failed-create:${event.RequestId}`);
    expect(calls.created).toEqual([]);
  });

  it('answers FAILED, not a throw, when the operation throws, with one line and no stack in Reason', async () => {
    const { resource } = recordingResource({
      onCreate: async () => {
        throw new TypeError('the registry refused\n    at somewhere (file.ts:1:1)');
      },
    });
    const event = customResourceRequest(server.url(), {
      RequestType: 'Create',
      ResourceProperties: { Name: 'alpha' },
    });

    await expect(
      createCustomResourceHandler(resource, options)(event, {
        logStreamName: '2026/01/01/[$LATEST]abc',
      }),
    ).resolves.toBeUndefined();

    expect(server.only().body).toMatchObject({
      Status: 'FAILED',
      Reason: 'TypeError: the registry refused (log stream 2026/01/01/[$LATEST]abc)',
      PhysicalResourceId: `failed-create:${event.RequestId}`,
    });
  });

  it('keeps the physical id when an Update fails, so CloudFormation rolls back to it', async () => {
    const { resource } = recordingResource({
      onUpdate: async () => {
        throw new Error('no');
      },
    });
    const event = customResourceRequest(server.url(), {
      RequestType: 'Update',
      PhysicalResourceId: 'alpha',
      ResourceProperties: { Name: 'beta' },
      OldResourceProperties: { Name: 'alpha' },
    });

    await createCustomResourceHandler(resource, options)(event);

    expect(server.only().body).toMatchObject({
      Status: 'FAILED',
      Reason: 'no',
      PhysicalResourceId: 'alpha',
    });
  });

  it('deletes a resource whose Create failed without calling onDelete', async () => {
    const { resource, calls } = recordingResource({
      onCreate: async () => {
        throw new Error('create failed');
      },
    });
    const handler = createCustomResourceHandler(resource, options);
    const create = customResourceRequest(server.url('create'), {
      RequestType: 'Create',
      ResourceProperties: { Name: 'alpha' },
    });
    await handler(create);
    const failedId = server.only().body.PhysicalResourceId;

    await handler(
      customResourceRequest(server.url('delete'), {
        RequestType: 'Delete',
        PhysicalResourceId: failedId,
        ResourceProperties: { Name: 'alpha' },
      }),
    );

    expect(server.received[1]?.body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: failedId,
    });
    expect(calls.deleted).toEqual([]);
  });

  it('fails every request with the setup error when building the resource threw', async () => {
    const handler = createCustomResourceHandler((): CustomResource<Properties> => {
      throw Object.assign(
        new Error('invalid configuration: WARREN_REGISTRY_TABLE: must be a DynamoDB table name'),
        {
          name: 'ConfigError',
        },
      );
    }, options);

    await handler(
      customResourceRequest(server.url(), {
        RequestType: 'Create',
        ResourceProperties: { Name: 'a' },
      }),
    );

    expect(server.only().body).toMatchObject({
      Status: 'FAILED',
      Reason:
        'ConfigError: invalid configuration: WARREN_REGISTRY_TABLE: must be a DynamoDB table name',
    });
  });

  it('answers FAILED before the function times out when the operation hangs', async () => {
    const { resource } = recordingResource({ onCreate: () => new Promise(() => undefined) });
    const event = customResourceRequest(server.url(), {
      RequestType: 'Create',
      ResourceProperties: { Name: 'alpha' },
    });

    await createCustomResourceHandler(resource, options)(event, {
      getRemainingTimeInMillis: () => 10_050,
    });

    expect(server.only().body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^OperationTimeoutError: did not finish within 50 ms/),
    });
  });

  it.each([
    ['a very long Reason', { reason: 'x'.repeat(10_000) }, 'SUCCESS'],
    ['Data too large to fit', { data: { Big: 'y'.repeat(5_000) } }, 'FAILED'],
  ] as const)('keeps the body within %s of 4096 bytes', async (_case, extra, status) => {
    const { resource } = recordingResource({
      onCreate: async () => ({ physicalResourceId: 'alpha', ...extra }),
    });

    await createCustomResourceHandler(
      resource,
      options,
    )(
      customResourceRequest(server.url(), {
        RequestType: 'Create',
        ResourceProperties: { Name: 'alpha' },
      }),
    );

    const { rawBody, body } = server.only();
    expect(Buffer.byteLength(rawBody)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(body.Status).toBe(status);
    if (status === 'FAILED') expect(body.Reason).toMatch(/does not fit/);
  });

  it('retries a response the URL refused', async () => {
    await server.close();
    server = await startResponseServer({ failFirst: 1 });
    const { resource } = recordingResource();

    await createCustomResourceHandler(
      resource,
      options,
    )(
      customResourceRequest(server.url(), {
        RequestType: 'Create',
        ResourceProperties: { Name: 'alpha' },
      }),
    );

    expect(server.only().body.Status).toBe('SUCCESS');
  });

  it('logs one JSON line per request, without the response URL or the property values', async () => {
    const { resource } = recordingResource();
    const event = customResourceRequest(server.url(), {
      RequestType: 'Create',
      ResourceProperties: { Name: 'private-value' },
    });

    await createCustomResourceHandler(resource, options)(event);

    expect(logLines).toHaveLength(1);
    const line = JSON.parse(logLines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'INFO',
      requestType: 'Create',
      requestId: event.RequestId,
      status: 'SUCCESS',
      physicalResourceId: 'private-value',
    });
    expect(logLines[0]).not.toContain('X-Amz-Signature');
    expect(Object.keys(line)).not.toContain('properties');
  });

  it('throws when the response cannot be delivered, so that Lambda retries the request', async () => {
    const { resource } = recordingResource();
    const event = customResourceRequest('http://example.com/cfn?X-Amz-Signature=abc', {
      RequestType: 'Create',
      ResourceProperties: { Name: 'alpha' },
    });

    await expect(createCustomResourceHandler(resource, options)(event)).rejects.toThrow(
      ResponseDeliveryError,
    );
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toContain('"level":"ERROR"');
    expect(logLines[0]).not.toContain('X-Amz-Signature');
  });

  it('throws on a request with no response URL, having nowhere to answer', async () => {
    const { resource } = recordingResource();

    await expect(
      createCustomResourceHandler(resource, options)({ RequestType: 'Create' }),
    ).rejects.toThrow(/malformed custom resource request: .*ResponseURL/);
    expect(server.received).toEqual([]);
  });
});
