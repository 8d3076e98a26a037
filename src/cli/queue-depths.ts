import type { AmqpCredentials } from '../amqp/amqp-credentials.js';
import { connectAmqp } from '../amqp/connect-amqp.js';
import { withCredentials } from '../core/amqp-endpoint.js';
import type { BrokerNode } from '../core/broker-node.js';

/**
 * How many ready messages `queue` holds on each broker, asked of each broker
 * over AMQP at once; null for a broker that did not answer within 2 s.
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
  const depths = await Promise.all(
    nodes.map(async (node): Promise<[string, number | null]> => {
      try {
        const url = withCredentials(node.endpoint, credentials.username, credentials.password);
        const connection = await connectAmqp(url, {
          timeoutMs: 2_000,
          connectionName: 'warren nodes list',
          ...(caCertPem !== undefined && { caCertPem }),
        });
        try {
          const channel = await connection.createChannel();
          channel.on('error', () => undefined);
          return [node.id, (await channel.checkQueue(queue)).messageCount];
        } finally {
          await connection.close().catch(() => undefined);
        }
      } catch {
        return [node.id, null];
      }
    }),
  );
  return new Map(depths);
}
