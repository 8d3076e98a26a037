/**
 * The cluster's publishers, raw amqplib: each holds one connection and confirm
 * channel to one node, publishes persistent 1 KiB messages to the quorum queue
 * and waits for their confirms, racing them against an attempt timeout, the
 * connection closing and `blocked`. A failed attempt drops the connection and
 * the unconfirmed messages go again to the next node, as a client behind a
 * load balancer with a list of node addresses would do.
 */
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { BENCH_PAYLOAD as PAYLOAD } from '../support/payload.js';
import { type Delivery, type SendBatch, untilConfirmed } from './batch-outcome.js';
import type { ClusterNode } from './quorum-cluster.js';
import { ATTEMPT_TIMEOUT_MS } from './settings.js';

interface Link {
  readonly node: ClusterNode;
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
  /** Resolves when the connection closes or the broker blocks it: every pending confirm then fails. */
  readonly broken: Promise<'closed' | 'blocked'>;
  /** Attempts waiting for confirms, ended at once when the link breaks. */
  readonly waiting: Set<() => void>;
}

export interface ClusterPublishers {
  readonly send: SendBatch;
  /** Closes every connection; each publisher starts again on its first node. */
  close(): Promise<void>;
}

/**
 * `count` publishers; publisher w starts on node `firstNode(w)` and moves to
 * the next node after each failed attempt.
 */
export function createClusterPublishers(
  nodes: readonly ClusterNode[],
  queue: string,
  firstNode: (worker: number) => number,
): ClusterPublishers {
  const links = new Map<number, Link>();
  const cursor = new Map<number, number>();

  const linkFor = async (worker: number): Promise<Link> => {
    const open = links.get(worker);
    if (open) return open;
    const index = cursor.get(worker) ?? firstNode(worker);
    const node = nodes[index % nodes.length] as ClusterNode;
    const link = await openLink(node);
    links.set(worker, link);
    void link.broken.then(() => {
      if (links.get(worker) === link) links.delete(worker);
    });
    return link;
  };
  const evict = (worker: number) => {
    const link = links.get(worker);
    links.delete(worker);
    cursor.set(worker, (cursor.get(worker) ?? firstNode(worker)) + 1);
    link?.connection.close().catch(() => undefined);
  };

  const attempt = (worker: number) => async (ids: readonly string[]) => {
    let link: Link;
    try {
      link = await linkFor(worker);
    } catch (error) {
      evict(worker);
      throw error;
    }
    const confirmed = await publishConfirmed(link, queue, ids);
    if (confirmed.length < ids.length) evict(worker);
    return confirmed;
  };

  return {
    send: (worker, ids, onConfirm) => untilConfirmed(ids, attempt(worker), onConfirm),
    async close() {
      const open = [...links.values()];
      links.clear();
      cursor.clear();
      await Promise.all(open.map((link) => link.connection.close().catch(() => undefined)));
    },
  };
}

async function openLink(node: ClusterNode): Promise<Link> {
  // Handshake and channel within one attempt's time: a stopped node accepts TCP, then says nothing.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${node.id}: no channel in time`)),
      ATTEMPT_TIMEOUT_MS,
    );
  });
  deadline.catch(() => undefined);
  const opening = connect(node.url, { timeout: ATTEMPT_TIMEOUT_MS });
  let connection: ChannelModel;
  try {
    connection = await Promise.race([opening, deadline]);
  } catch (error) {
    clearTimeout(timer);
    opening.then((late) => late.close()).catch(() => undefined);
    throw error;
  }
  const waiting = new Set<() => void>();
  const broken = new Promise<'closed' | 'blocked'>((resolve) => {
    connection.on('error', () => undefined);
    connection.once('close', () => resolve('closed'));
    connection.once('blocked', () => resolve('blocked'));
  });
  void broken.then(() => {
    for (const finish of waiting) finish();
  });
  const closedEarly = broken.then((why) => Promise.reject(new Error(`${node.id}: ${why}`)));
  closedEarly.catch(() => undefined);
  try {
    const channel = await Promise.race([connection.createConfirmChannel(), closedEarly, deadline]);
    channel.on('error', () => undefined);
    return { node, connection, channel, broken, waiting };
  } catch (error) {
    connection.close().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Publishes every id, then waits for confirms until all are in, the link breaks or the attempt times out. */
function publishConfirmed(link: Link, queue: string, ids: readonly string[]): Promise<Delivery[]> {
  return new Promise((resolve) => {
    const confirmed: Delivery[] = [];
    let settled = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      link.waiting.delete(finish);
      resolve(confirmed);
    };
    const timer = setTimeout(finish, ATTEMPT_TIMEOUT_MS);
    link.waiting.add(finish);
    for (const id of ids) {
      try {
        link.channel.sendToQueue(
          queue,
          PAYLOAD,
          { persistent: true, mandatory: true, messageId: id },
          (error) => {
            if (done) return;
            if (!error) confirmed.push({ id, nodes: ['cluster'] });
            settled += 1;
            if (settled === ids.length) finish();
          },
        );
      } catch {
        // The channel closed under us: what was not written stays unconfirmed.
        finish();
        return;
      }
    }
  });
}
