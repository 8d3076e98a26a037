/** AMQP reply code NOT_FOUND: the broker has no such queue (or exchange). */
const NOT_FOUND = 404;

/** A broker has no queue by that name: `basic.consume` was refused with 404 NOT_FOUND. */
export class QueueNotFoundError extends Error {
  readonly queue: string;
  readonly nodeId: string;
  constructor(queue: string, nodeId: string, options?: ErrorOptions) {
    super(`queue "${queue}" does not exist on broker ${nodeId}`, options);
    this.name = 'QueueNotFoundError';
    this.queue = queue;
    this.nodeId = nodeId;
  }
}

/** True for an amqplib channel error carrying reply code 404 NOT_FOUND. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === NOT_FOUND;
}
