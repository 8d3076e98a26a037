import * as z from 'zod';
import { ADMIN_STATES, type AdminState, type HealthState } from '../core/broker-node.js';
import type { FailureCode, MessageResult } from '../publish/publisher.js';
import type { ErrorBody } from './error-table.js';
import type { NodeView } from './node-view.js';

/**
 * Zod schemas of what the HTTP API answers, for the OpenAPI document. The
 * TypeScript types stay where the code that builds them lives; the checks at
 * the bottom fail to compile when a schema and its type drift apart.
 */

const FAILURE_CODES = [
  'unroutable',
  'no_broker',
  'too_few_brokers',
  'brokers_failed',
  'deadline',
  'credentials',
] as const satisfies readonly FailureCode[];

export const messageResultSchema = z.discriminatedUnion('status', [
  z.object({
    id: z.string(),
    status: z.literal('accepted'),
    node: z.string().meta({ description: 'The first of `nodes`.' }),
    nodes: z.array(z.string()).meta({ description: 'Every broker that confirmed a copy.' }),
  }),
  z.object({
    id: z.string(),
    status: z.literal('failed'),
    code: z.enum(FAILURE_CODES),
    error: z.string(),
  }),
]);

export const publishResponseSchema = z.object({ results: z.array(messageResultSchema) });

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

const healthStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('initial') }),
  z.object({ state: z.literal('healthy'), since: z.string() }),
  ...(['degraded', 'blocked', 'unhealthy'] as const).map((state) =>
    z.object({ state: z.literal(state), since: z.string(), reason: z.string() }),
  ),
]);

const adminStateSchema = z.object({ state: z.enum(ADMIN_STATES), since: z.string() });

export const nodeViewSchema = z.object({
  id: z.string(),
  endpoint: z.string().meta({ description: 'AMQP URL without credentials.' }),
  managementEndpoint: z.string().nullable(),
  az: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  health: healthStateSchema,
  admin: adminStateSchema,
  stale: z.boolean(),
  lastProbeAt: z.string().nullable(),
  latencyMs: z.number().nullable(),
  consecutiveFailures: z.number(),
  consecutiveSuccesses: z.number(),
  flapCount: z.number(),
  holdDownUntil: z.string().nullable(),
  outlierReportedAt: z.string().nullable(),
  registeredAt: z.string(),
});

export const nodesResponseSchema = z.object({
  nodes: z.array(nodeViewSchema),
  rejected: z.array(z.object({ key: z.string(), reason: z.string() })),
  source: z.string(),
  fetchedAt: z.string(),
  registryError: z.string().optional(),
});

export const healthResponseSchema = z.object({
  status: z.enum(['ready', 'unready']),
  registry: z.object({
    reachable: z.boolean(),
    source: z.string().optional(),
    error: z.string().optional(),
    nodes: z.number().optional(),
  }),
});

export type NodesResponse = z.infer<typeof nodesResponseSchema>;
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** Compiles only when A and B are assignable both ways (readonly aside). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mutable<T> = T extends readonly (infer E)[]
  ? Mutable<E>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
const drift = <A, B>(same: Same<Mutable<A>, Mutable<B>>) => same;
drift<z.infer<typeof messageResultSchema>, MessageResult>(true);
drift<z.infer<typeof nodeViewSchema>, NodeView>(true);
drift<z.infer<typeof healthStateSchema>, HealthState>(true);
drift<z.infer<typeof adminStateSchema>, AdminState>(true);
drift<z.infer<typeof errorBodySchema>, ErrorBody>(true);
