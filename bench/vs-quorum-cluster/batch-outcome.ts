/** What the publishing clients of this bench report per batch, and the retry loop they share. */
import { setTimeout as sleep } from 'node:timers/promises';
import { GIVE_UP_MS, RETRY_PAUSE_MS } from './settings.js';

/** A confirmed message and every node that holds a copy of it. */
export interface Delivery {
  readonly id: string;
  readonly nodes: readonly string[];
}

export interface BatchOutcome {
  readonly accepted: readonly Delivery[];
  /** Attempts that left messages unconfirmed and were followed by another attempt. */
  readonly retriedAttempts: number;
  /** Some messages were still unconfirmed when the batch's time ran out. */
  readonly gaveUp: boolean;
}

/**
 * Sends one batch (the messages' ids) for publisher `worker`; `onConfirm` hears
 * each attempt that confirmed at least one message, as it happens.
 */
export type SendBatch = (
  worker: number,
  ids: readonly string[],
  onConfirm: (count: number) => void,
) => Promise<BatchOutcome>;

/** One try: the deliveries it confirmed (the rest are tried again); a throw confirms none. */
export type Attempt = (ids: readonly string[]) => Promise<readonly Delivery[]>;

/**
 * Tries `ids` until every one is confirmed or `GIVE_UP_MS` has passed since the
 * first try, pausing `RETRY_PAUSE_MS` between tries: the same patience for
 * every client compared here.
 */
export async function untilConfirmed(
  ids: readonly string[],
  attempt: Attempt,
  onConfirm: (count: number) => void,
): Promise<BatchOutcome> {
  const deadline = performance.now() + GIVE_UP_MS;
  const accepted: Delivery[] = [];
  let pending = ids;
  let retriedAttempts = 0;
  for (;;) {
    const confirmed = await attempt(pending).catch(() => []);
    if (confirmed.length > 0) {
      onConfirm(confirmed.length);
      accepted.push(...confirmed);
      const done = new Set(confirmed.map((delivery) => delivery.id));
      pending = pending.filter((id) => !done.has(id));
    }
    if (pending.length === 0) return { accepted, retriedAttempts, gaveUp: false };
    if (performance.now() + RETRY_PAUSE_MS >= deadline)
      return { accepted, retriedAttempts, gaveUp: true };
    retriedAttempts += 1;
    await sleep(RETRY_PAUSE_MS);
  }
}
