/** One `POST /v1/publish` of a batch of unique ids, read into what the soak records of it. */
import { BENCH_BODY } from '../support/payload.js';

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

interface ResultBody {
  readonly results?: readonly { id: string; status: string; error?: string }[];
  readonly error?: string;
}

const seqOf = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));

/** Publishes messages `tag-first` … `tag-(first+count-1)` to the queue `tasks`; never throws. */
export async function publishBatch(
  apiUrl: string,
  tag: string,
  first: number,
  count: number,
): Promise<RequestResult> {
  const startMs = Date.now();
  const messages = Array.from({ length: count }, (_, i) => ({
    id: `${tag}-${first + i}`,
    body: BENCH_BODY,
  }));
  const failures: Record<string, number> = {};
  const acceptedSeqs: number[] = [];
  let status = 0;
  try {
    const response = await fetch(`${apiUrl}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queue: 'tasks', messages }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    const body = (await response.json().catch(() => ({}))) as ResultBody;
    const seen = new Set<number>();
    for (const result of body.results ?? []) {
      seen.add(seqOf(result.id));
      if (result.status === 'accepted') acceptedSeqs.push(seqOf(result.id));
      else {
        const reason = `${status} ${result.error ?? result.status}`.slice(0, 80);
        failures[reason] = (failures[reason] ?? 0) + 1;
      }
    }
    const unanswered = count - seen.size;
    if (unanswered > 0) {
      const reason = `${status} ${body.error ?? 'no result'}`.slice(0, 80);
      failures[reason] = (failures[reason] ?? 0) + unanswered;
    }
  } catch (error) {
    const reason = `no answer: ${(error as Error).name} ${(error as Error).message}`.slice(0, 80);
    failures[reason] = count;
    acceptedSeqs.length = 0;
  }
  return { startMs, endMs: Date.now(), status, acceptedSeqs, failures };
}
