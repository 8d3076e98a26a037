import type { Message } from 'amqplib';

/** One publish awaiting its confirm; `returned` once the broker sent it back as unroutable. */
export interface Unconfirmed {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  returned: boolean;
}

/**
 * Publishes on one channel awaiting their confirm, so a `basic.return` can be
 * matched to its own publish. RabbitMQ sends a mandatory message's return
 * before its confirm, in publish order, so a return belongs to the first such
 * publish of the same message id, exchange, routing key and body: the same id
 * sent at once to two destinations is told apart, and so are messages without
 * an id (a consumer's copies of foreign messages).
 *
 * @example
 * const unconfirmed = createUnconfirmedPublishes();
 * channel.on('return', (message) => unconfirmed.markReturned(message));
 */
export function createUnconfirmedPublishes() {
  const byId = new Map<string | undefined, Unconfirmed[]>();
  return {
    track(messageId: string | undefined, entry: Unconfirmed): void {
      const list = byId.get(messageId);
      if (list) list.push(entry);
      else byId.set(messageId, [entry]);
    },
    untrack(messageId: string | undefined, entry: Unconfirmed): void {
      const list = byId.get(messageId);
      if (!list) return;
      const index = list.indexOf(entry);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) byId.delete(messageId);
    },
    markReturned(message: Message): void {
      const { messageId } = message.properties as { messageId?: unknown };
      const { exchange, routingKey } = message.fields;
      const entry = byId
        .get(typeof messageId === 'string' ? messageId : undefined)
        ?.find(
          (e) =>
            !e.returned &&
            e.exchange === exchange &&
            e.routingKey === routingKey &&
            e.content.equals(message.content),
        );
      if (entry) entry.returned = true;
    },
  };
}

export type UnconfirmedPublishes = ReturnType<typeof createUnconfirmedPublishes>;
