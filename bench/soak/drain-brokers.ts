/** After the soak: every broker's `tasks` queue read out, counted per sequence number against what was accepted. */
import { drainQueue } from '../support/drain-queue.js';
import type { DrainFigures } from './load-record.js';

/** Stops waiting once a queue has sent nothing for this long. */
const IDLE_MS = 5_000;
const QUEUE = 'tasks';

/** Reads the queue at `url` out, counting reads of `tag-N` into `reads[N]`; other ids are foreign. */
async function drainOne(
  url: string,
  tag: string,
  reads: Uint16Array,
): Promise<{ found: number; foreign: number }> {
  let foreign = 0;
  const found = await drainQueue(url, QUEUE, IDLE_MS, (message) => {
    const id = String(message.properties.messageId);
    const seq = Number(id.slice(tag.length + 1));
    if (id.startsWith(`${tag}-`) && seq < reads.length) reads[seq] = (reads[seq] ?? 0) + 1;
    else foreign += 1;
  });
  return { found, foreign };
}

/** Drains every broker and compares: lost (accepted, never read), duplicates, unaccepted reads. */
export async function drainBrokers(
  brokers: readonly { readonly id: string; readonly url: string }[],
  tag: string,
  accepted: Uint8Array,
  acceptedCount: number,
): Promise<DrainFigures> {
  const reads = new Uint16Array(accepted.length);
  const perBroker: Record<string, number> = {};
  let found = 0;
  let foreign = 0;
  for (const broker of brokers) {
    const one = await drainOne(broker.url, tag, reads);
    perBroker[broker.id] = one.found;
    found += one.found;
    foreign += one.foreign;
  }
  let lost = 0;
  const lostSample: number[] = [];
  let duplicates = 0;
  let extra = 0;
  let unacceptedFound = 0;
  for (let seq = 0; seq < accepted.length; seq++) {
    const n = reads[seq] ?? 0;
    if (accepted[seq] === 1 && n === 0) {
      lost += 1;
      if (lostSample.length < 10) lostSample.push(seq);
    }
    if (accepted[seq] === 1 && n > 1) {
      duplicates += 1;
      extra += n - 1;
    }
    if (accepted[seq] !== 1 && n > 0) unacceptedFound += 1;
  }
  return {
    accepted: acceptedCount,
    found,
    lost,
    lostSample,
    duplicates,
    extra,
    unacceptedFound,
    foreign,
    perBroker,
  };
}
