import * as z from 'zod';
import { ADMIN_STATES, type BrokerNode } from '../core/broker-node.js';
import { REGISTRY_KEYS } from '../dynamodb/registry-table.js';

const timestamp = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

const healthSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('initial') }),
  z.object({ state: z.literal('healthy'), since: timestamp }),
  z.object({ state: z.literal('degraded'), since: timestamp, reason: z.string() }),
  z.object({ state: z.literal('blocked'), since: timestamp, reason: z.string() }),
  z.object({ state: z.literal('unhealthy'), since: timestamp, reason: z.string() }),
]);

/** A broker item as stored; every item read is validated against it. */
const nodeItemSchema = z.object({
  [REGISTRY_KEYS.partitionKey]: z.literal(REGISTRY_KEYS.nodePartition),
  [REGISTRY_KEYS.sortKey]: z.string().min(1),
  endpoint: z.string().regex(/^amqps?:\/\/[^@]+$/, 'must be an AMQP URL without credentials'),
  managementEndpoint: z.url().optional(),
  az: z.string().optional(),
  labels: z.record(z.string(), z.string()).default({}),
  health: healthSchema,
  admin: z.object({ state: z.enum(ADMIN_STATES), since: timestamp }),
  registeredAt: timestamp,
  lastProbeAt: timestamp.optional(),
  lastTransitionAt: timestamp.optional(),
  latencyMs: z.number().nonnegative().optional(),
  consecutiveSuccesses: count,
  consecutiveFailures: count,
  flapCount: count,
  holdDownUntil: timestamp.optional(),
  outlierReportedAt: timestamp.optional(),
  probeSeq: count,
  version: count,
});

export type NodeItemResult =
  | { readonly ok: true; readonly node: BrokerNode }
  | { readonly ok: false; readonly key: string; readonly reason: string };

/** Decodes a stored item; a malformed item is reported, never thrown, so one bad item cannot hide the fleet. */
export function decodeNodeItem(item: Record<string, unknown>): NodeItemResult {
  const parsed = nodeItemSchema.safeParse(item);
  if (!parsed.success) {
    return {
      ok: false,
      key: String(item[REGISTRY_KEYS.sortKey] ?? '?'),
      reason: z.prettifyError(parsed.error),
    };
  }
  const { pk: _pk, sk, ...rest } = parsed.data;
  return { ok: true, node: { id: sk, ...rest } };
}
