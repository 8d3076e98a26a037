/**
 * Opens publisher links the way a warm container's pool does (`openLink`:
 * connection, heartbeat, confirm channel, listeners), many at once, and
 * closes them again.
 */
import { type AmqpLink, isLink, openLink } from '../../src/amqp/amqp-link.js';
import { PUBLISHER_HEARTBEAT_SECONDS } from '../../src/publish/amqp-broker-pool.js';
import type { TlsBroker } from '../support/tls-broker.js';
import { BENCH_CONNECT_TIMEOUT_MS } from './settings.js';

export type Protocol = 'amqps' | 'amqp';

export interface OpenedLinks {
  readonly links: AmqpLink[];
  /** Per link opened: from the start of its connect to its confirm channel open. */
  readonly latenciesMs: number[];
  /** Why each failed connect failed (`kind/cause`). */
  readonly failures: string[];
  /** From the first connect started to the last one settled. */
  readonly wallMs: number;
}

/** The endpoint of `protocol` on `broker` (plain AMQP only when started with `plainAmqp`). */
export function endpointOf(broker: TlsBroker, protocol: Protocol): string {
  const url = protocol === 'amqps' ? broker.amqpsUrl : broker.amqpUrl;
  if (url === undefined) throw new Error('the broker was started without a plain AMQP listener');
  return url;
}

/**
 * Opens `count` links to `broker` over `protocol`, `concurrency` in flight at
 * a time (`count` for all at once), with the publisher pool's options.
 */
export async function openLinks(
  broker: TlsBroker,
  protocol: Protocol,
  count: number,
  concurrency: number,
): Promise<OpenedLinks> {
  const endpoint = endpointOf(broker, protocol);
  const links: AmqpLink[] = [];
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      const link = await openLink(endpoint, {
        timeoutMs: BENCH_CONNECT_TIMEOUT_MS,
        connectionName: `warren publisher bench-${index}`,
        credentials: { username: broker.username, password: broker.password },
        heartbeatSeconds: PUBLISHER_HEARTBEAT_SECONDS,
        caCertPem: broker.caCertPem,
      });
      if (isLink(link)) {
        latenciesMs.push(performance.now() - started);
        links.push(link);
      } else failures.push('cause' in link ? `${link.kind}/${link.cause}` : link.kind);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { links, latenciesMs, failures, wallMs: performance.now() - started };
}

/** Closes `links`, `concurrency` at a time. */
export async function closeLinks(links: readonly AmqpLink[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < links.length) await links[next++]?.close();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, links.length) }, worker));
}
