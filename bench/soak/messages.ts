/** What the soak process and its load child tell each other over IPC. */
import type { LoadFigures } from './load-record.js';

/** A fault's period as the audit needs it: when it hit and what it left usable. */
export interface FaultPeriod {
  readonly label: string;
  /** Ms since the epoch: the fault starts, is undone, and the next period begins. */
  readonly startMs: number;
  readonly undoneMs: number;
  readonly endMs: number;
  /** Brokers left usable while the fault is on (3 with registry and prober faults). */
  readonly usableBrokers: number;
}

export type ToLoad =
  | { readonly type: 'capacity'; readonly apiUrl: string; readonly seconds: number }
  | {
      readonly type: 'load';
      readonly apiUrl: string;
      readonly messagesPerS: number;
      readonly batch: number;
    }
  | { readonly type: 'minute' }
  | { readonly type: 'stop' }
  | {
      readonly type: 'audit';
      readonly brokerUrls: readonly { readonly id: string; readonly url: string }[];
      readonly periods: readonly FaultPeriod[];
      readonly startMs: number;
      readonly endMs: number;
    };

/** One minute of load as the progress line shows it. */
export interface MinuteFigures {
  readonly messagesPerS: number;
  readonly accepted: number;
  readonly failedMessages: number;
  readonly failedRequests: number;
  readonly inFlight: number;
  readonly skippedTicks: number;
  readonly maxLatencyMs: number;
}

export type FromLoad =
  | { readonly type: 'capacity'; readonly messagesPerS: number }
  | { readonly type: 'minute'; readonly figures: MinuteFigures }
  | { readonly type: 'stopped' }
  | { readonly type: 'audit'; readonly figures: LoadFigures }
  | { readonly type: 'failed'; readonly reason: string };
