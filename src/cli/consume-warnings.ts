import type { ConsumerEvent } from '../consume/consumer-event.js';
import { REPLICAS_HEADER } from '../core/replicas.js';

/**
 * How `warren consume` de-duplicates: through the registry's dedupe store
 * (acknowledging), by messageId within this run (`--no-ack`, which must not
 * claim messages real consumers are working on), or not at all (`--no-dedupe`).
 */
export type ConsumeDedupeMode = 'registry' | 'local' | 'off';

type Kind = 'copies-printed' | 'no-message-id' | 'claim-failed' | 'complete-failed';

const copies = (n: number) => `${n} ${n === 1 ? 'copy' : 'copies'}`;
const messages = (n: number) => `${n} ${n === 1 ? 'message' : 'messages'}`;

const SUMMARIES: Record<Kind, (n: number) => string> = {
  'copies-printed': (n) =>
    `${copies(n)} of replicated messages printed without de-duplication (--no-dedupe)`,
  'no-message-id': (n) =>
    `${copies(n)} of replicated messages without a messageId printed, each copy`,
  'claim-failed': (n) =>
    `${messages(n)} put back because the registry could not be reached to de-duplicate them`,
  'complete-failed': (n) => `${messages(n)} printed and acknowledged but not recorded as done`,
};

/**
 * The warnings `warren consume` prints (on stderr) about duplicates: the first
 * of each kind as it happens, then, at the end, how many there were in all,
 * so a fleet of replicated messages does not print a warning per message.
 *
 * @example
 * const warnings = createConsumeWarnings('off');
 * const line = warnings.warn(event); if (line) err(line);
 * for (const line of warnings.summary()) err(line);
 */
export function createConsumeWarnings(mode: ConsumeDedupeMode) {
  const counts = new Map<Kind, number>();
  const count = (kind: Kind, first: () => string): string | undefined => {
    const seen = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, seen);
    return seen === 1 ? `warren consume: ${first()}` : undefined;
  };

  return {
    /** Counts `event`; returns a line to print when it is the first of its kind. */
    warn(event: ConsumerEvent): string | undefined {
      switch (event.type) {
        case 'replicated-without-dedupe': {
          const { node, replicas, messageId } = event;
          if (messageId === undefined || event.because === 'no-message-id')
            return count(
              'no-message-id',
              () =>
                `a message from ${node} says it has ${replicas} copies (${REPLICAS_HEADER}) but has no messageId to tell them apart: each copy is printed`,
            );
          // With --no-ack the command de-duplicates by messageId itself.
          if (mode !== 'off') return undefined;
          return count(
            'copies-printed',
            () =>
              `message ${messageId} from ${node} has ${replicas} copies (${REPLICAS_HEADER}) and --no-dedupe prints each copy; more are counted, not reported`,
          );
        }
        case 'dedupe-failed':
          return event.stage === 'claim'
            ? count(
                'claim-failed',
                () =>
                  `cannot reach the registry to de-duplicate (${event.reason}): message ${event.messageId} was put back, and messages are retried until it answers (--no-dedupe consumes without de-duplication)`,
              )
            : count(
                'complete-failed',
                () =>
                  `message ${event.messageId} was printed and acknowledged but could not be recorded as done (${event.reason}): its other copies may be printed too`,
              );
        default:
          return undefined;
      }
    },
    /** One line per kind that happened more often than its first warning said. */
    summary(): string[] {
      return [...counts]
        .filter(([, n]) => n > 1)
        .map(([kind, n]) => `warren consume: ${SUMMARIES[kind](n)}`);
    },
  };
}
