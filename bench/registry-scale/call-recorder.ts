/**
 * Records every DynamoDB call a client makes, as the server answered it on the
 * wire: the response's bytes, the capacity it reported and, for a Query, the
 * items in their wire form (so their sizes can be computed by AWS's rules).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { WireItem } from './item-size.js';

export interface RecordedCall {
  /** The SDK's command name: `QueryCommand`, `UpdateItemCommand`, ... */
  readonly command: string;
  /** The item an item-level call touched. */
  readonly key?: { readonly pk: string; readonly sk: string };
  /** A read that asked for strong consistency (the fleet snapshot writer's Query). */
  readonly consistentRead?: boolean;
  readonly statusCode: number;
  /** The response body's bytes, as received. */
  readonly responseBytes: number;
  /** `ConsumedCapacity.CapacityUnits` as the server reported it; undefined when it reported none. */
  readonly reportedUnits?: number;
  /** A Query page's items, or a GetItem's item. */
  readonly items?: readonly WireItem[];
}

export interface CallRecorder {
  /** The calls since the last take, oldest first. */
  take(): RecordedCall[];
}

const ITEM_COMMANDS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
]);

interface RawResponse {
  statusCode: number;
  body?: AsyncIterable<Uint8Array> | Uint8Array;
}

interface ResponseBody {
  readonly ConsumedCapacity?: { readonly CapacityUnits?: number };
  readonly Items?: readonly WireItem[];
  readonly Item?: WireItem;
}

async function readBody(body: RawResponse['body']): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Adds two middlewares to `client` (and so to a document client built on it):
 * one asks for `ReturnConsumedCapacity: 'TOTAL'` on every item-level call, as
 * warren's own calls do not; the other reads each response body before the
 * SDK does (handing it on as a buffer) and records it.
 *
 * @example const recorder = recordCalls(clients.client); await registry.listNodes(); recorder.take();
 */
export function recordCalls(client: DynamoDBClient): CallRecorder {
  let calls: RecordedCall[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (ITEM_COMMANDS.has(context.commandName ?? '')) {
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchAskConsumedCapacity' },
  );
  // Innermost in the deserialize step: below the SDK's deserializer (and the document
  // client's unmarshalling), so this sees the HTTP response as it arrived.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response as RawResponse;
      const body = await readBody(response.body);
      response.body = body;
      const parsed = (body.length > 0 ? JSON.parse(body.toString('utf8')) : {}) as ResponseBody;
      // By now the document client has marshalled the key: `{ pk: { S: 'node' }, sk: { S: 'b1' } }`.
      const input = args.input as {
        Key?: Record<string, { S?: string }>;
        ConsistentRead?: boolean;
      };
      const key = input.Key;
      calls.push({
        command: context.commandName ?? '?',
        ...(key && { key: { pk: key.pk?.S ?? '?', sk: key.sk?.S ?? '?' } }),
        ...(input.ConsistentRead === true && { consistentRead: true }),
        statusCode: response.statusCode,
        responseBytes: body.length,
        ...(parsed.ConsumedCapacity?.CapacityUnits !== undefined && {
          reportedUnits: parsed.ConsumedCapacity.CapacityUnits,
        }),
        ...(parsed.Items && { items: parsed.Items }),
        ...(parsed.Item && { items: [parsed.Item] }),
      });
      return result;
    },
    { step: 'deserialize', name: 'benchRecordCalls', priority: 'low' },
  );
  return {
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
  };
}
