/**
 * warren's publishers, as its callers use them: in process (`publish()` of a
 * Publisher) and over HTTP (`POST /v1/publish`), with `replicas` 1 or 2. A
 * caller sends the messages that were not accepted again, with the same ids.
 */
import type { MessageResult, Publisher } from '../../src/publish/publisher.js';
import type { HttpPublishClient } from '../support/http-publish-client.js';
import { BENCH_BODY as BODY } from '../support/payload.js';
import { type Attempt, type Delivery, type SendBatch, untilConfirmed } from './batch-outcome.js';

const deliveriesOf = (results: readonly MessageResult[]): Delivery[] =>
  results.flatMap((result) =>
    result.status === 'accepted' ? [{ id: result.id, nodes: result.nodes }] : [],
  );

/** Each batch tried with `attempt` until confirmed or given up. */
export const senderOf =
  (attempt: Attempt): SendBatch =>
  (_worker, ids, onConfirm) =>
    untilConfirmed(ids, attempt, onConfirm);

/** In process: `publisher.publish(queue, messages, { replicas })`. */
export function libraryAttempt(publisher: Publisher, replicas: number, queue: string): Attempt {
  const attempt: Attempt = async (ids) =>
    deliveriesOf(
      await publisher.publish(
        { kind: 'queue', queue },
        ids.map((id) => ({ id, body: BODY })),
        { replicas },
      ),
    );
  return attempt;
}

/** Over HTTP: `POST /v1/publish` with `{ queue, messages: [{ id, body }], replicas }`. */
export function httpAttempt(client: HttpPublishClient, replicas: number, queue: string): Attempt {
  const attempt: Attempt = async (ids) =>
    deliveriesOf((await client.publish(queue, ids, { replicas })).results);
  return attempt;
}
