import type { PublishTelemetry, ViewSource } from '../publish/publish-telemetry.js';
import type { AttemptFailureRecord, PublishRequestRecord } from './publish-metrics.js';

/** A {@link PublishTelemetry} that counts one request's publish for its record. */
export interface PublishTally extends PublishTelemetry {
  /** The counts so far: none, and no routing, until a publish call ran. */
  counts(): Pick<PublishRequestRecord, 'accepted' | 'failedByCode' | 'routing'>;
}

/**
 * Counts what one publish call tells its telemetry, as the call runs: a
 * counter per accepted message, a map increment per failed one, a record per
 * failed broker attempt. The request's log line and metrics are made from it,
 * never by re-reading the answer.
 *
 * @example
 * const tally = createPublishTally();
 * await service.publish(json, { telemetry: tally });
 * tally.counts().accepted // 3
 */
export function createPublishTally(): PublishTally {
  let routed: { view: ViewSource; panic: boolean } | undefined;
  let accepted = 0;
  let failedOver = 0;
  const failedByCode: Record<string, number> = {};
  const attemptFailures: AttemptFailureRecord[] = [];
  return {
    routed: ({ view, panic }) => {
      routed = { view, panic };
    },
    attemptFailed: ({ node, failure, messages, retried }) => {
      attemptFailures.push({ node, kind: failure.kind, messages, retried });
      failedOver += retried;
    },
    settled: (results) => {
      for (const result of results) {
        if (result.status === 'accepted') accepted += 1;
        else failedByCode[result.code] = (failedByCode[result.code] ?? 0) + 1;
      }
    },
    counts: () => ({
      accepted,
      failedByCode,
      ...(routed && { routing: { ...routed, failedOver, attemptFailures } }),
    }),
  };
}

/** One request being answered: the tally to publish with, and its record once answered. */
export interface RequestInFlight {
  readonly telemetry: PublishTally;
  finish(
    answer: Pick<PublishRequestRecord, 'requestId' | 'transport' | 'status'>,
  ): PublishRequestRecord;
}

/**
 * Starts one request's record: its start time and its publish tally. The HTTP
 * app and the direct invoke both record requests through it.
 *
 * @example
 * const request = startRequest(performance.now.bind(performance));
 * const response = await service.publish(payload, { telemetry: request.telemetry });
 * onRequest(request.finish({ requestId, transport: 'invoke', status: 200 }));
 */
export function startRequest(now: () => number): RequestInFlight {
  const started = now();
  const telemetry = createPublishTally();
  return {
    telemetry,
    finish: (answer) => ({ ...answer, ...telemetry.counts(), durationMs: now() - started }),
  };
}
