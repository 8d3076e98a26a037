/** One `POST /v1/publish` of a batch of unique ids, read into what the soak records of it. */
import type { HttpPublishClient } from '../support/http-publish-client.js';

const REQUEST_TIMEOUT_MS = 30_000;

export interface RequestResult {
  readonly startMs: number;
  readonly endMs: number;
  /** HTTP status; 0 when no answer came (connection error, client timeout). */
  readonly status: number;
  readonly acceptedSeqs: readonly number[];
  /** Per failure reason, how many messages of the batch failed with it. */
  readonly failures: Readonly<Record<string, number>>;
}

const seqOf = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));

/** Publishes messages `tag-first` … `tag-(first+count-1)` to the queue `tasks`; never throws. */
export async function publishBatch(
  client: HttpPublishClient,
  tag: string,
  first: number,
  count: number,
): Promise<RequestResult> {
  const startMs = Date.now();
  const ids = Array.from({ length: count }, (_, i) => `${tag}-${first + i}`);
  const { status, results, error } = await client.publish('tasks', ids, {
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const failures: Record<string, number> = {};
  const acceptedSeqs: number[] = [];
  const seen = new Set<number>();
  for (const result of results) {
    seen.add(seqOf(result.id));
    if (result.status === 'accepted') acceptedSeqs.push(seqOf(result.id));
    else {
      const reason = `${status} ${result.error}`.slice(0, 80);
      failures[reason] = (failures[reason] ?? 0) + 1;
    }
  }
  const unanswered = count - seen.size;
  if (unanswered > 0) {
    const reason = (
      status === 0 ? `no answer: ${error}` : `${status} ${error ?? 'no result'}`
    ).slice(0, 80);
    failures[reason] = (failures[reason] ?? 0) + unanswered;
  }
  return { startMs, endMs: Date.now(), status, acceptedSeqs, failures };
}
