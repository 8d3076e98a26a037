import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { isLink, openLink } from '../amqp/amqp-link.js';
import { isNotFound } from '../consume/queue-not-found-error.js';
import type { BrokerNode } from '../core/broker-node.js';
import { withDeadline } from '../timing/with-deadline.js';

/** How long a broker has to answer, connecting included. */
const DEPTH_TIMEOUT_MS = 2_000;

/** What one broker said about a queue. */
export type QueueDepth =
  | { readonly kind: 'depth'; readonly ready: number }
  /** The broker answered: it has no queue by that name. */
  | { readonly kind: 'no-queue' }
  /** No answer within 2 s, or a refusal other than NOT_FOUND. */
  | { readonly kind: 'no-answer' };

/**
 * How many ready messages `queue` holds on each broker, asked of each broker
 * over AMQP at once, telling a broker without the queue from one that did not
 * answer within 2 s.
 *
 * @example const depths = await queueDepths(nodes, 'tasks', { credentials, caCertPem: undefined });
 */
export async function queueDepths(
  nodes: readonly BrokerNode[],
  queue: string,
  access: {
    readonly credentials: AmqpCredentials;
    /** For amqps:// brokers: the CA certificate(s) trusted instead of Node's public roots. */
    readonly caCertPem: string | undefined;
  },
): Promise<Map<string, QueueDepth>> {
  const { credentials, caCertPem } = access;
  const depthOf = async (node: BrokerNode): Promise<QueueDepth> => {
    const started = performance.now();
    const link = await openLink(node.endpoint, {
      timeoutMs: DEPTH_TIMEOUT_MS,
      connectionName: 'warren nodes list',
      credentials,
      caCertPem,
    });
    if (!isLink(link)) return { kind: 'no-answer' };
    try {
      // A missing queue closes the channel with 404 NOT_FOUND, which rejects the check.
      const checked = await withDeadline(
        link.channel.checkQueue(queue).then(
          (ok): QueueDepth => ({ kind: 'depth', ready: ok.messageCount }),
          (error): QueueDepth => ({ kind: isNotFound(error) ? 'no-queue' : 'no-answer' }),
        ),
        DEPTH_TIMEOUT_MS - (performance.now() - started),
      );
      return checked === 'timeout' ? { kind: 'no-answer' } : checked;
    } finally {
      await link.close();
    }
  };
  return new Map(
    await Promise.all(nodes.map(async (node) => [node.id, await depthOf(node)] as const)),
  );
}
