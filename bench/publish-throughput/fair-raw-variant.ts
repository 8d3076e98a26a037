/**
 * The fair baseline: raw amqplib doing the work any correct publisher must do
 * for a JSON message, and nothing warren adds (no registry, no failover, no
 * validation). Each message's body is serialised, and it goes out with a
 * messageId, content type, timestamp, persistent and mandatory, its own
 * confirm callback settling a per-message outcome. Against it, a warren
 * figure shows warren's own overhead, not the cost of publishing correctly.
 */
import type { MessageResult } from '../../src/publish/publisher.js';
import { BENCH_BODY as BODY } from '../support/payload.js';
import { publishJson, type RawBroker } from '../support/raw-brokers.js';
import { tally } from './broker-counts.js';
import { BATCH, QUEUE } from './settings.js';
import type { Variant } from './variants.js';

/** Message i goes to broker i mod 3, as the plain raw variant does. */
export function fairRawVariant(brokers: readonly RawBroker[]): Variant {
  const send = (broker: RawBroker, id: string) => publishJson(broker, QUEUE, id, BODY);
  const brokerOf = (i: number) => brokers[i % brokers.length] as RawBroker;
  return {
    name: 'raw amqplib (fair)',
    copies: 1,
    async batch(tag, index, size, counts) {
      const outcomes: Promise<MessageResult>[] = [];
      for (let i = 0; i < size; i++) {
        const broker = brokerOf(index * BATCH + i);
        outcomes.push(send(broker, `${tag}-${index}-${i}`));
        tally(counts, broker.id);
      }
      const results = await Promise.all(outcomes);
      return results.filter((result) => result.status === 'accepted').length;
    },
    async single(tag, seq) {
      const result = await send(brokerOf(seq), `${tag}-${seq}`);
      return result.status === 'accepted' ? result.node : 'nacked';
    },
  };
}
