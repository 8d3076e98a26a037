/** One consume run: load the queue with raw amqplib (untimed), time a variant draining it, check what it left. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCpuWindow } from '../support/cpu-window.js';
import { BENCH_PAYLOAD as PAYLOAD } from '../support/payload.js';
import { depthsOf, purgeAll, type RawBroker } from '../support/raw-brokers.js';
import { LOAD_BATCH, QUEUE, SETTLE_MS, TOTAL } from './settings.js';
import type { Variant } from './variants.js';

export interface Run {
  readonly ms: number;
  readonly firstMs: number;
  readonly seen: number;
  readonly timedOut: boolean;
  /** Messages left in `tasks` (all brokers) after the consumer stopped: unacked or never delivered. */
  readonly left: number;
  readonly clientCpuMs: number;
  readonly brokerCpuMs: number | undefined;
  readonly machineBusy: number | undefined;
}

/** Publishes `counts[i]` messages to broker i, as warren would publish them, and waits for every confirm. */
async function load(brokers: readonly RawBroker[], counts: readonly number[]): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000);
  await Promise.all(
    brokers.map(async (broker, b) => {
      const count = counts[b] ?? 0;
      for (let sent = 0; sent < count; ) {
        const size = Math.min(LOAD_BATCH, count - sent);
        for (let i = 0; i < size; i++) {
          broker.channel.sendToQueue(QUEUE, PAYLOAD, {
            persistent: true,
            contentType: 'application/json',
            messageId: randomUUID(),
            timestamp,
          });
        }
        sent += size;
        await broker.channel.waitForConfirms();
      }
    }),
  );
}

export async function consumeRun(
  variant: Variant,
  rep: number,
  total: number,
  brokers: readonly RawBroker[],
  brokerPids: readonly number[],
): Promise<Run> {
  await purgeAll(brokers, QUEUE);
  const spread = variant.spread(rep).map((n) => Math.round((n * total) / TOTAL));
  await load(brokers, spread);
  await sleep(SETTLE_MS);
  const loaded = await depthsOf(brokers, QUEUE);
  if (loaded.some((n, i) => n !== spread[i]))
    throw new Error(`loaded ${loaded.join('/')}, wanted ${spread.join('/')}`);
  const want = spread.reduce((a, b) => a + b, 0);

  const endCpuWindow = await startCpuWindow(brokerPids);
  const consumed = await variant.consume(rep, want);
  const { clientCpuMs, brokerCpuMs, machineBusy } = await endCpuWindow();

  await consumed.close();
  const left = (await depthsOf(brokers, QUEUE)).reduce((a, b) => a + b, 0);
  await purgeAll(brokers, QUEUE);
  return {
    ms: consumed.ms,
    firstMs: consumed.firstMs,
    seen: consumed.seen,
    timedOut: consumed.timedOut,
    left,
    clientCpuMs,
    brokerCpuMs,
    machineBusy,
  };
}
