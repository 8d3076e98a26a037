import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { isLink, openLink } from '../amqp/amqp-link.js';
import type { BrokerNode } from '../core/broker-node.js';
import { withDeadline } from '../timing/with-deadline.js';

/** How long a broker has to answer, connecting included. */
const DEPTH_TIMEOUT_MS = 2_000;

/**
 * How many ready messages `queue` holds on each broker, asked of each broker
 * over AMQP at once; null for a broker that did not answer within 2 s.
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
): Promise<Map<string, number | null>> {
  const { credentials, caCertPem } = access;
  const depthOf = async (node: BrokerNode): Promise<number | null> => {
    const started = performance.now();
    const link = await openLink(node.endpoint, {
      timeoutMs: DEPTH_TIMEOUT_MS,
      connectionName: 'warren nodes list',
      credentials,
      caCertPem,
    });
    if (!isLink(link)) return null;
    try {
      // A missing queue closes the channel, which rejects the check.
      const checked = await withDeadline(
        link.channel.checkQueue(queue).catch(() => null),
        DEPTH_TIMEOUT_MS - (performance.now() - started),
      );
      return checked === 'timeout' || checked === null ? null : checked.messageCount;
    } finally {
      await link.close();
    }
  };
  return new Map(
    await Promise.all(nodes.map(async (node) => [node.id, await depthOf(node)] as const)),
  );
}
