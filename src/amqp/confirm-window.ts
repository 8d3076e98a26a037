/** A message the broker sent back (`basic.return`), as far as matching it to its publish needs. */
export interface ReturnedMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly messageId: string | undefined;
  readonly content: Buffer;
}

/** Where one publish of an entry stands: a byte each in `WindowEntry.states`. */
export const PublishState = {
  Pending: 0,
  Confirmed: 1,
  Nacked: 2,
  /** Sent back as unroutable; its confirm is still to come. */
  Returned: 3,
  /** Sent back as unroutable, then confirmed. */
  Unroutable: 4,
} as const;
export type PublishState = (typeof PublishState)[keyof typeof PublishState];

/** What a confirm says of a publish. */
type Settled = typeof PublishState.Confirmed | typeof PublishState.Nacked;

/**
 * A run of consecutive delivery tags: the publishes of one call, in order.
 * Confirms are settled into `states` by tag range; `onSettled` runs once,
 * when the last of them is confirmed or nacked.
 */
export interface WindowEntry {
  readonly firstTag: number;
  readonly states: Uint8Array;
  unsettled: number;
  /** Publishes before this index are all settled by `multiple` confirms: later ones start here. */
  settledThrough: number;
  /** Whether publish `index` of this entry is the message `returned` describes. */
  readonly isReturnOf: (index: number, returned: ReturnedMessage) => boolean;
  readonly onSettled: () => void;
}

/**
 * A confirm channel's publishes awaiting their confirm, by delivery tag.
 * RabbitMQ numbers a channel's publishes 1, 2, 3… once confirms are on, and
 * confirms them with `basic.ack`/`basic.nack`, often one frame for a whole
 * range (`multiple`). The window keeps one entry per publishing call instead
 * of a callback per message, so a range settles in one pass over a byte array.
 *
 * @example
 * const window = createConfirmWindow();
 * const entry = window.open(messages.length, isReturnOf, () => resolve(entry.states));
 * channel.on('ack', ({ deliveryTag, multiple }) => window.settle(deliveryTag, multiple, PublishState.Confirmed));
 */
export function createConfirmWindow() {
  let nextTag = 1;
  // In tag order: calls open entries in the order they write their publishes.
  const entries: WindowEntry[] = [];

  const settleOne = (entry: WindowEntry, index: number, outcome: Settled) => {
    const state = entry.states[index];
    if (state === PublishState.Pending) entry.states[index] = outcome;
    else if (state === PublishState.Returned)
      entry.states[index] =
        outcome === PublishState.Confirmed ? PublishState.Unroutable : PublishState.Nacked;
    else return;
    entry.unsettled -= 1;
  };

  const finishIfSettled = (entry: WindowEntry): boolean => {
    if (entry.unsettled > 0) return false;
    const at = entries.indexOf(entry);
    if (at >= 0) entries.splice(at, 1);
    entry.onSettled();
    return true;
  };

  return {
    /**
     * Gives the last `count` publishes written their delivery tags. Call it in
     * the same synchronous run as the writes, so that no confirm is read in
     * between, and after every write that succeeded (a publish amqplib threw
     * on was never written and takes no tag).
     */
    open(count: number, isReturnOf: WindowEntry['isReturnOf'], onSettled: () => void): WindowEntry {
      const entry: WindowEntry = {
        firstTag: nextTag,
        states: new Uint8Array(count),
        unsettled: count,
        settledThrough: 0,
        isReturnOf,
        onSettled,
      };
      nextTag += count;
      if (count > 0) entries.push(entry);
      return entry;
    },

    /** A `basic.ack` (Confirmed) or `basic.nack` (Nacked) for `tag`, or every tag up to it. */
    settle(tag: number, multiple: boolean, outcome: Settled): void {
      if (!multiple) {
        const entry = entries.find(
          (candidate) =>
            tag >= candidate.firstTag && tag < candidate.firstTag + candidate.states.length,
        );
        if (entry) {
          settleOne(entry, tag - entry.firstTag, outcome);
          finishIfSettled(entry);
        }
        return;
      }
      while (entries.length > 0) {
        const entry = entries[0] as WindowEntry;
        if (entry.firstTag > tag) return;
        const through = Math.min(tag - entry.firstTag + 1, entry.states.length);
        for (let index = entry.settledThrough; index < through; index++)
          settleOne(entry, index, outcome);
        entry.settledThrough = Math.max(entry.settledThrough, through);
        if (!finishIfSettled(entry)) return;
      }
    },

    /**
     * A `basic.return`: RabbitMQ sends a mandatory message back before its
     * confirm, so it is the first publish still awaiting one with the same
     * id, exchange, routing key and body.
     */
    markReturned(returned: ReturnedMessage): void {
      for (const entry of entries) {
        for (let index = 0; index < entry.states.length; index++) {
          if (entry.states[index] !== PublishState.Pending) continue;
          if (!entry.isReturnOf(index, returned)) continue;
          entry.states[index] = PublishState.Returned;
          return;
        }
      }
    },

    /** Stops tracking an entry given up on (its deadline passed, or the link broke). */
    forget(entry: WindowEntry): void {
      const at = entries.indexOf(entry);
      if (at >= 0) entries.splice(at, 1);
    },
  };
}

export type ConfirmWindow = ReturnType<typeof createConfirmWindow>;
