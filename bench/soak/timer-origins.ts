/**
 * With SOAK_TRACE_TIMERS=1: where the live timers of this process were
 * created, by their first frame outside node's internals, to tell which part
 * holds the `Timeout` handles that the handle series counts.
 */
import { createHook } from 'node:async_hooks';

const live = new Map<number, string>();

function origin(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(2);
  const outside = frames.filter((f) => !f.includes('node:') && !f.includes('timer-origins'));
  return (outside.slice(0, 2).join(' <') || 'unknown').replace(/\s+at\s+/g, ' ').trim();
}

export const tracingTimers = process.env.SOAK_TRACE_TIMERS === '1';

if (tracingTimers)
  createHook({
    init(asyncId, type) {
      if (type === 'Timeout') live.set(asyncId, origin());
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();

/** Live timers by origin, most first. */
export function timerOrigins(): [string, number][] {
  const counts = new Map<string, number>();
  for (const where of live.values()) counts.set(where, (counts.get(where) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8);
}
