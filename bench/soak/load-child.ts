/**
 * The load generator, in a forked child so its CPU and heap stay out of the
 * API process: a capacity run (closed loop), then an open-loop steady rate,
 * then the drain and audit once the parent says the fleet is back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpPublishClient, type HttpPublishClient } from '../support/http-publish-client.js';
import { drainBrokers } from './drain-brokers.js';
import { publishBatch, type RequestResult } from './http-publisher.js';
import { LoadRecord } from './load-record.js';
import type { FromLoad, MinuteFigures, ToLoad } from './messages.js';

const CAPACITY_BATCH = 100;
const CAPACITY_IN_FLIGHT = 4;
/** Ticks that would push more requests than this in flight are skipped (and counted), not queued. */
const MAX_IN_FLIGHT = 64;

export async function runLoadChild(): Promise<void> {
  const send = (message: FromLoad) => process.send?.(message);
  const tag = `soak${process.pid}`;
  const record = new LoadRecord();
  let nextSeq = 0;
  let inFlight = 0;
  let stopping = false;
  let loadDone: Promise<void> = Promise.resolve();
  /** This minute's counts, started afresh with each report. */
  const freshMinute = () => ({
    messages: 0,
    accepted: 0,
    failedMessages: 0,
    failedRequests: 0,
    skipped: 0,
    maxLatencyMs: 0,
    since: Date.now(),
  });
  const minute = freshMinute();

  const clients = new Map<string, HttpPublishClient>();
  const clientFor = (apiUrl: string) => {
    const client = clients.get(apiUrl) ?? createHttpPublishClient(apiUrl);
    clients.set(apiUrl, client);
    return client;
  };

  const sendBatch = async (apiUrl: string, count: number): Promise<RequestResult> => {
    const first = nextSeq;
    nextSeq += count;
    inFlight += 1;
    const result = await publishBatch(clientFor(apiUrl), tag, first, count);
    inFlight -= 1;
    record.add(result, count);
    minute.messages += count;
    minute.accepted += result.acceptedSeqs.length;
    const failed = count - result.acceptedSeqs.length;
    minute.failedMessages += failed;
    if (failed > 0 || result.status !== 200) minute.failedRequests += 1;
    minute.maxLatencyMs = Math.max(minute.maxLatencyMs, result.endMs - result.startMs);
    return result;
  };

  const capacity = async (apiUrl: string, seconds: number) => {
    const until = Date.now() + seconds * 1_000;
    const started = Date.now();
    let accepted = 0;
    await Promise.all(
      Array.from({ length: CAPACITY_IN_FLIGHT }, async () => {
        while (Date.now() < until)
          accepted += (await sendBatch(apiUrl, CAPACITY_BATCH)).acceptedSeqs.length;
      }),
    );
    return accepted / ((Date.now() - started) / 1_000);
  };

  const steady = async (apiUrl: string, messagesPerS: number, batch: number) => {
    const intervalMs = (batch / messagesPerS) * 1_000;
    const pending = new Set<Promise<unknown>>();
    let next = performance.now();
    while (!stopping) {
      if (inFlight >= MAX_IN_FLIGHT) minute.skipped += 1;
      else {
        const request = sendBatch(apiUrl, batch);
        pending.add(request);
        void request.finally(() => pending.delete(request));
      }
      next += intervalMs;
      await sleep(Math.max(0, next - performance.now()));
    }
    await Promise.all(pending);
  };

  process.on('message', (message: ToLoad) => {
    void (async () => {
      switch (message.type) {
        case 'capacity':
          send({ type: 'capacity', messagesPerS: await capacity(message.apiUrl, message.seconds) });
          return;
        case 'load':
          // The capacity run's figures are not the first minute's.
          Object.assign(minute, freshMinute());
          loadDone = steady(message.apiUrl, message.messagesPerS, message.batch);
          return;
        case 'minute': {
          const seconds = (Date.now() - minute.since) / 1_000;
          const figures: MinuteFigures = {
            messagesPerS: minute.messages / seconds,
            accepted: minute.accepted,
            failedMessages: minute.failedMessages,
            failedRequests: minute.failedRequests,
            inFlight,
            skippedTicks: minute.skipped,
            maxLatencyMs: minute.maxLatencyMs,
          };
          Object.assign(minute, freshMinute());
          send({ type: 'minute', figures });
          return;
        }
        case 'stop':
          stopping = true;
          await loadDone;
          send({ type: 'stopped' });
          return;
        case 'audit': {
          const drain = await drainBrokers(
            message.brokerUrls,
            tag,
            record.accepted,
            record.acceptedCount,
          );
          send({
            type: 'audit',
            figures: {
              requests: record.requestStarts.length,
              messages: record.messages,
              accepted: record.acceptedCount,
              failedRequests: record.failed,
              periods: record.periods(message.periods, message.startMs, message.endMs),
              drain,
            },
          });
          return;
        }
        default: {
          const never: never = message;
          throw new Error(`unknown message ${JSON.stringify(never)}`);
        }
      }
    })().catch((error: unknown) =>
      send({ type: 'failed', reason: (error as Error).stack ?? String(error) }),
    );
  });
  // The soak died or finished: nothing left to load.
  process.on('disconnect', () => process.exit(0));
}
