import * as z from 'zod';

/**
 * Queues, exchanges and bindings every broker carries, in the shape of
 * RabbitMQ's definitions JSON (`rabbitmqctl export_definitions`), so the same
 * file is applied by the local fleet over AMQP and imported at boot on EC2.
 * Only the default vhost `/` is supported: every broker is one vhost wide.
 */
const argumentsSchema = z.record(z.string(), z.unknown()).default({});
const name = z
  .string()
  .min(1)
  .max(255)
  .refine((value) => Buffer.byteLength(value) <= 255, 'must be at most 255 bytes');
const vhost = z.literal('/', { error: 'only the default vhost "/" is supported' }).default('/');

const exchangeSchema = z.object({
  name: name.refine(
    (value) => !value.startsWith('amq.'),
    'names starting with "amq." are reserved',
  ),
  vhost,
  type: z.enum(['direct', 'fanout', 'topic', 'headers']),
  durable: z.literal(true, { error: 'warren only declares durable exchanges' }).default(true),
  auto_delete: z.literal(false).default(false),
  internal: z.boolean().default(false),
  arguments: argumentsSchema,
});

const queueSchema = z.object({
  name: name.refine(
    (value) => !value.startsWith('amq.'),
    'names starting with "amq." are reserved',
  ),
  vhost,
  durable: z.literal(true, { error: 'warren only declares durable queues' }).default(true),
  auto_delete: z.literal(false).default(false),
  arguments: argumentsSchema,
});

const bindingSchema = z.object({
  source: name,
  vhost,
  destination: name,
  destination_type: z.enum(['queue', 'exchange']),
  routing_key: z.string().max(255).default(''),
  arguments: argumentsSchema,
});

export const topologySchema = z
  .object({
    exchanges: z.array(exchangeSchema).default([]),
    queues: z.array(queueSchema).default([]),
    bindings: z.array(bindingSchema).default([]),
  })
  .superRefine((topology, ctx) => {
    for (const problem of referenceProblems(topology)) ctx.addIssue({ code: 'custom', ...problem });
  });

export type Topology = z.infer<typeof topologySchema>;
export type ExchangeDefinition = Topology['exchanges'][number];
export type QueueDefinition = Topology['queues'][number];
export type BindingDefinition = Topology['bindings'][number];

interface Problem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Duplicates and dangling references: a binding or dead-letter target that is not declared. */
function referenceProblems(topology: {
  exchanges: { name: string }[];
  queues: { name: string; arguments: Record<string, unknown> }[];
  bindings: { source: string; destination: string; destination_type: string }[];
}): Problem[] {
  const problems: Problem[] = [];
  const exchanges = new Set<string>();
  const queues = new Set<string>();
  topology.exchanges.forEach((exchange, i) => {
    if (exchanges.has(exchange.name)) {
      problems.push({
        path: ['exchanges', i, 'name'],
        message: `duplicate exchange "${exchange.name}"`,
      });
    }
    exchanges.add(exchange.name);
  });
  topology.queues.forEach((queue, i) => {
    if (queues.has(queue.name)) {
      problems.push({ path: ['queues', i, 'name'], message: `duplicate queue "${queue.name}"` });
    }
    queues.add(queue.name);
    const deadLetter = queue.arguments['x-dead-letter-exchange'];
    if (deadLetter !== undefined && deadLetter !== '' && !exchanges.has(String(deadLetter))) {
      problems.push({
        path: ['queues', i, 'arguments', 'x-dead-letter-exchange'],
        message: `dead-letter exchange "${String(deadLetter)}" is not declared`,
      });
    }
  });
  topology.bindings.forEach((binding, i) => {
    if (!exchanges.has(binding.source)) {
      problems.push({
        path: ['bindings', i, 'source'],
        message: `exchange "${binding.source}" is not declared`,
      });
    }
    const targets = binding.destination_type === 'queue' ? queues : exchanges;
    if (!targets.has(binding.destination)) {
      problems.push({
        path: ['bindings', i, 'destination'],
        message: `${binding.destination_type} "${binding.destination}" is not declared`,
      });
    }
  });
  return problems;
}
