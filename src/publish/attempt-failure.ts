import type { AttemptFailure } from './broker-pool.js';

/**
 * Whose fault a failed attempt is, which decides what the publisher does:
 * - `broker`: fail over to the next broker and report this one (outlier);
 * - `message`: the message's own refusal (unroutable): fail that message
 *   alone — another broker would refuse it too, and this broker is fine;
 * - `none`: neither (the credentials could not be read): fail the message,
 *   blame no broker, since every broker would fail the same way.
 *
 * @example blameOf({ kind: 'unroutable' }) // 'message'
 */
export function blameOf(failure: AttemptFailure): 'broker' | 'message' | 'none' {
  switch (failure.kind) {
    case 'connect':
    case 'auth':
    case 'timeout':
    case 'closed':
    case 'blocked':
    case 'nack':
      return 'broker';
    case 'unroutable':
      return 'message';
    case 'credentials':
      return 'none';
    default:
      return failure satisfies never;
  }
}

/**
 * The failure in words a caller may see: no URL, user name or address
 * (those stay in `detail`, for logs).
 *
 * @example describeFailure({ kind: 'timeout', afterMs: 1000 }) // 'no confirm within 1000 ms'
 */
export function describeFailure(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'connect':
      return 'could not connect';
    case 'auth':
      return 'the broker refused the credentials';
    case 'credentials':
      return 'the broker credentials could not be read';
    case 'timeout':
      return `no confirm within ${Math.round(failure.afterMs)} ms`;
    case 'closed':
      return 'connection closed before the confirm';
    case 'blocked':
      return 'blocked by a resource alarm';
    case 'nack':
      return 'nacked by the broker';
    case 'unroutable':
      return 'unroutable: no queue is bound for this routing key';
    default:
      return failure satisfies never;
  }
}
