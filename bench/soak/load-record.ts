/**
 * Everything the load child keeps of a soak: which sequence numbers were
 * accepted (a bitmap, so 30 minutes of ids stay small), each request's start,
 * the end of each request that had an accepted message, and every failure.
 */
import type { RequestResult } from './http-publisher.js';
import type { FaultPeriod } from './messages.js';

/** A request with at least one failed message, or no answer at all. */
export interface FailedRequest {
  readonly startMs: number;
  readonly endMs: number;
  readonly status: number;
  readonly failures: Readonly<Record<string, number>>;
}

export interface PeriodFigures {
  readonly label: string;
  readonly requests: number;
  readonly failedRequests: number;
  readonly failedMessages: number;
  readonly longestPauseMs: number;
  /** Failed requests while at least one broker was usable. */
  readonly violations: number;
}

export interface DrainFigures {
  readonly accepted: number;
  readonly found: number;
  readonly lost: number;
  readonly lostSample: readonly number[];
  /** Accepted ids read back more than once, and the extra reads. */
  readonly duplicates: number;
  readonly extra: number;
  /** Read back but never reported accepted (failed or timed-out requests whose messages landed). */
  readonly unacceptedFound: number;
  readonly foreign: number;
  readonly perBroker: Readonly<Record<string, number>>;
}

export interface LoadFigures {
  readonly requests: number;
  readonly messages: number;
  readonly accepted: number;
  readonly failedRequests: readonly FailedRequest[];
  readonly periods: readonly PeriodFigures[];
  readonly drain: DrainFigures;
}

export class LoadRecord {
  accepted = new Uint8Array(1 << 20);
  acceptedCount = 0;
  messages = 0;
  readonly requestStarts: number[] = [];
  readonly acceptedEnds: number[] = [];
  readonly failed: FailedRequest[] = [];

  add(result: RequestResult, count: number): void {
    this.messages += count;
    this.requestStarts.push(result.startMs);
    if (result.acceptedSeqs.length > 0) this.acceptedEnds.push(result.endMs);
    for (const seq of result.acceptedSeqs) {
      this.grow(seq);
      if (this.accepted[seq] === 0) this.acceptedCount += 1;
      this.accepted[seq] = 1;
    }
    if (result.status !== 200 || Object.keys(result.failures).length > 0) {
      const { startMs, endMs, status, failures } = result;
      this.failed.push({ startMs, endMs, status, failures });
    }
  }

  grow(seq: number): void {
    if (seq < this.accepted.length) return;
    const next = new Uint8Array(Math.max(seq + 1, this.accepted.length * 2));
    next.set(this.accepted);
    this.accepted = next;
  }

  /** Per fault period (and the steady time before the first): requests, failures, longest pause. */
  periods(periods: readonly FaultPeriod[], startMs: number, endMs: number): PeriodFigures[] {
    const first = periods[0]?.startMs ?? endMs;
    const ends = [...this.acceptedEnds].sort((a, b) => a - b);
    const all = [
      { label: 'steady (before the first fault)', startMs, endMs: first, usableBrokers: 3 },
      ...periods,
    ];
    return all.map((period) => {
      const inside = (t: number) => t >= period.startMs && t < period.endMs;
      const failed = this.failed.filter((request) => inside(request.startMs));
      return {
        label: period.label,
        requests: this.requestStarts.filter(inside).length,
        failedRequests: failed.length,
        failedMessages: failed.reduce(
          (sum, request) => sum + Object.values(request.failures).reduce((a, b) => a + b, 0),
          0,
        ),
        longestPauseMs: longestPauseMs(ends, period.startMs, period.endMs),
        violations: period.usableBrokers > 0 ? failed.length : 0,
      };
    });
  }
}

/** The longest stretch of `[startMs, endMs)` with no accepted publish ending in it; `ends` sorted. */
export function longestPauseMs(ends: readonly number[], startMs: number, endMs: number): number {
  let last = startMs;
  let longest = 0;
  for (const t of ends) {
    if (t < startMs || t >= endMs) continue;
    longest = Math.max(longest, t - last);
    last = Math.max(last, t);
  }
  return Math.max(longest, endMs - last);
}
