import type { Options } from 'amqplib';
import type { ChannelWire } from './channel-wire.js';
import {
  type ConfirmWindow,
  PublishState,
  type ReturnedMessage,
  type WindowEntry,
} from './confirm-window.js';
import type { LinkFailure, LinkOutcome } from './link-failure.js';
import { encodeJsonBatch, type JsonMessage } from './publish-frames.js';

/**
 * One message for a link to publish, with any properties amqplib encodes.
 *
 * @example const probe: LinkMessage = { exchange: '', routingKey: 'warren.probe', content, options: { persistent: true, mandatory: true } };
 */
export interface LinkMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  /** With `mandatory: true`, a message the broker routes to no queue fails `unroutable`. */
  readonly options: Options.Publish;
}

/** JSON messages for one destination, each persistent and mandatory: the publisher's batches. */
export interface JsonBatch {
  readonly exchange: string;
  readonly routingKey: string;
  readonly messages: readonly JsonMessage[];
}

/** What publishing needs of a link: its channel's wire, its confirm window, whether it broke, who waits on it. */
export interface LinkCore {
  readonly wire: ChannelWire;
  readonly window: ConfirmWindow;
  readonly broken: LinkFailure | undefined;
  /** Publishes in progress, settled all at once when the link breaks. */
  readonly waiting: Set<(failure: LinkFailure) => void>;
}

/**
 * A failed outcome, of a link's failure or of a caller's wider union (the pool's `credentials`).
 *
 * @example messages.map(() => failed({ kind: 'timeout', afterMs: 0 }))
 */
export const failed = <F extends { readonly kind: string }>(failure: F) =>
  ({ ok: false, failure }) as const;
const CONFIRMED: LinkOutcome = { ok: true };
const NACKED: LinkOutcome = failed({ kind: 'nack' });
const UNROUTABLE: LinkOutcome = failed({ kind: 'unroutable' });

/** Outcomes decided before anything was written, by message index. */
type Unwritten = Map<number, LinkOutcome>;

/**
 * Publishes a batch of JSON messages on the link as one write of ready-made
 * frames (`encodeJsonBatch`), then waits for their confirms, the deadline or
 * the link breaking, whichever comes first: a dead broker can leave a confirm
 * pending forever. One deadline and one promise for the batch; confirms are
 * settled by delivery-tag range. One outcome per message, in order; never
 * throws. Callers use it as `AmqpLink.publishBatch`.
 *
 * @example const outcomes = await link.publishBatch({ exchange: '', routingKey: 'tasks', messages }, 1_000);
 */
export function publishJsonBatch(
  link: LinkCore,
  batch: JsonBatch,
  timeoutMs: number,
): Promise<LinkOutcome[]> {
  const count = batch.messages.length;
  const early = refuseAtOnce(link, count, timeoutMs);
  if (early !== undefined) return Promise.resolve(early);
  let encoded: ReturnType<typeof encodeJsonBatch>;
  try {
    encoded = encodeJsonBatch(link.wire, batch.exchange, batch.routingKey, batch.messages);
    link.wire.write(encoded.bytes);
  } catch (error) {
    return Promise.resolve(batch.messages.map(() => failedToWrite(link, error)));
  }
  const unwritten: Unwritten = new Map();
  for (const [index, problem] of encoded.refused ?? [])
    unwritten.set(index, failed({ kind: 'closed', detail: `publish: ${problem}` }));
  const written = writtenIndices(count, unwritten);
  return confirmWritten(link, count, written, unwritten, timeoutMs, (k, returned) => {
    const message = batch.messages[written ? (written[k] as number) : k] as JsonMessage;
    return (
      returned.exchange === batch.exchange &&
      returned.routingKey === batch.routingKey &&
      returned.messageId === message.id &&
      returned.content.equals(message.content)
    );
  });
}

/**
 * Publishes messages of any properties one by one through amqplib's encoder,
 * then waits for their confirms as `publishJsonBatch` does. For the prober and
 * the consumer's copies of foreign messages; the publisher sends batches.
 * Callers use it as `AmqpLink.publishConfirmed`.
 *
 * @example const [outcome] = await link.publishConfirmed([{ exchange: '', routingKey: 'tasks', content, options: { persistent: true, mandatory: true } }], 2_000);
 */
export function publishConfirmed(
  link: LinkCore,
  messages: readonly LinkMessage[],
  timeoutMs: number,
): Promise<LinkOutcome[]> {
  const early = refuseAtOnce(link, messages.length, timeoutMs);
  if (early !== undefined) return Promise.resolve(early);
  const unwritten: Unwritten = new Map();
  messages.forEach(({ exchange, routingKey, content, options }, index) => {
    try {
      link.wire.publish(exchange, routingKey, content, options);
    } catch (error) {
      // amqplib throws at once on a closed channel or a property it cannot encode.
      unwritten.set(index, failedToWrite(link, error));
    }
  });
  const written = writtenIndices(messages.length, unwritten);
  return confirmWritten(link, messages.length, written, unwritten, timeoutMs, (k, returned) => {
    const message = messages[written ? (written[k] as number) : k] as LinkMessage;
    const { messageId } = message.options;
    return (
      message.options.mandatory === true &&
      returned.exchange === message.exchange &&
      returned.routingKey === message.routingKey &&
      returned.messageId === (typeof messageId === 'string' ? messageId : undefined) &&
      returned.content.equals(message.content)
    );
  });
}

/** With no time left nothing is written: a message written but unconfirmed is reported failed, sent again, and stored twice. */
function refuseAtOnce(link: LinkCore, count: number, timeoutMs: number): LinkOutcome[] | undefined {
  if (!(timeoutMs > 0))
    return Array.from({ length: count }, () => failed({ kind: 'timeout', afterMs: 0 }));
  const { broken } = link;
  if (broken !== undefined) return Array.from({ length: count }, () => failed(broken));
  return count === 0 ? [] : undefined;
}

function failedToWrite(link: LinkCore, error: unknown): LinkOutcome {
  const detail = error instanceof Error ? error.message : String(error);
  return failed(link.broken ?? { kind: 'closed', detail: `publish: ${detail}` });
}

/** Indices of the messages that were written, in order; undefined when all were. */
function writtenIndices(count: number, unwritten: Unwritten): number[] | undefined {
  if (unwritten.size === 0) return undefined;
  const written: number[] = [];
  for (let index = 0; index < count; index++) if (!unwritten.has(index)) written.push(index);
  return written;
}

/**
 * Opens the window entry for the publishes just written (in the same
 * synchronous run, so no confirm was read in between) and resolves once all
 * are settled, `timeoutMs` has passed or the link broke.
 */
function confirmWritten(
  link: LinkCore,
  count: number,
  written: readonly number[] | undefined,
  unwritten: Unwritten,
  timeoutMs: number,
  isReturnOf: WindowEntry['isReturnOf'],
): Promise<LinkOutcome[]> {
  const writtenCount = written ? written.length : count;
  return new Promise((resolve) => {
    let done = false;
    const finish = (unsettled?: LinkFailure) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      link.waiting.delete(finish);
      link.window.forget(entry);
      const pending: LinkOutcome = failed(
        unsettled ?? { kind: 'closed', detail: 'settled without a confirm' },
      );
      const outcomes: LinkOutcome[] = new Array(count);
      for (const [index, outcome] of unwritten) outcomes[index] = outcome;
      for (let k = 0; k < writtenCount; k++)
        outcomes[written ? (written[k] as number) : k] = outcomeOf(entry.states[k], pending);
      resolve(outcomes);
    };
    const entry = link.window.open(writtenCount, isReturnOf, () => finish());
    const timer = setTimeout(() => finish({ kind: 'timeout', afterMs: timeoutMs }), timeoutMs);
    link.waiting.add(finish);
    if (writtenCount === 0) finish();
  });
}

function outcomeOf(state: number | undefined, pending: LinkOutcome): LinkOutcome {
  switch (state) {
    case PublishState.Confirmed:
      return CONFIRMED;
    case PublishState.Nacked:
      return NACKED;
    case PublishState.Unroutable:
      return UNROUTABLE;
    default:
      return pending;
  }
}

/**
 * Whom a `basic.return` is about, from amqplib's returned message.
 *
 * @example channel.on('return', (message) => window.markReturned(returnedOf(message)));
 */
export function returnedOf(message: {
  readonly fields: { readonly exchange: string; readonly routingKey: string };
  readonly properties: { readonly messageId?: unknown };
  readonly content: Buffer;
}): ReturnedMessage {
  const { messageId } = message.properties;
  return {
    exchange: message.fields.exchange,
    routingKey: message.fields.routingKey,
    messageId: typeof messageId === 'string' ? messageId : undefined,
    content: message.content,
  };
}
