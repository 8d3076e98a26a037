import { describe, expect, it } from 'vitest';
import { type ConsumeDedupeMode, createConsumeWarnings } from '../../src/cli/consume-warnings.js';
import type { ConsumerEvent } from '../../src/consume/consumer-event.js';

type CopyEvent = Extract<ConsumerEvent, { type: 'replicated-without-dedupe' }>;
const copy = (node: string, messageId?: string): CopyEvent => ({
  type: 'replicated-without-dedupe',
  node,
  ...(messageId !== undefined && { messageId }),
  replicas: 2,
  because: 'no-dedupe-store',
});

/** Every line the command would print for `events`, then its summary. */
function printed(mode: ConsumeDedupeMode, events: ConsumerEvent[]): string[] {
  const warnings = createConsumeWarnings(mode);
  const lines = events.flatMap((event) => warnings.warn(event) ?? []);
  return [...lines, ...warnings.summary()];
}

describe('createConsumeWarnings', () => {
  it('with --no-dedupe, warns at the first copy printed and counts the rest at the end', () => {
    expect(printed('off', [copy('b1', 'm1'), copy('b2', 'm1'), copy('b1', 'm2')])).toEqual([
      'warren consume: message m1 from b1 has 2 copies (x-warren-replicas) and --no-dedupe prints each copy; more are counted, not reported',
      'warren consume: 3 copies of replicated messages printed without de-duplication (--no-dedupe)',
    ]);
  });

  it('prints no summary when the first warning said it all', () => {
    expect(printed('off', [copy('b1', 'm1')])).toHaveLength(1);
  });

  it('says nothing about copies it de-duplicates itself (--no-ack)', () => {
    expect(printed('local', [copy('b1', 'm1'), copy('b2', 'm1')])).toEqual([]);
  });

  it.each<ConsumeDedupeMode>(['registry', 'local', 'off'])(
    'warns in %s mode about copies without a messageId, which nothing can tell apart',
    (mode) => {
      const noId: CopyEvent = { ...copy('b3'), because: 'no-message-id' };
      expect(printed(mode, [mode === 'registry' ? noId : copy('b3')])).toEqual([
        'warren consume: a message from b3 says it has 2 copies (x-warren-replicas) but has no messageId to tell them apart: each copy is printed',
      ]);
    },
  );

  it('warns once that the registry cannot be reached for de-duplication, then counts the messages put back', () => {
    const failed = (messageId: string): ConsumerEvent => ({
      type: 'dedupe-failed',
      node: 'b1',
      messageId,
      stage: 'claim',
      reason: 'claim message m1 in scope tasks: connect ECONNREFUSED 127.0.0.1:4567',
    });

    expect(printed('registry', [failed('m1'), failed('m1'), failed('m2')])).toEqual([
      'warren consume: cannot reach the registry to de-duplicate (claim message m1 in scope tasks: connect ECONNREFUSED 127.0.0.1:4567): message m1 was put back, and messages are retried until it answers (--no-dedupe consumes without de-duplication)',
      'warren consume: 3 messages put back because the registry could not be reached to de-duplicate them',
    ]);
  });

  it('warns that a printed message could not be recorded as done', () => {
    expect(
      printed('registry', [
        {
          type: 'dedupe-failed',
          node: 'b2',
          messageId: 'm9',
          stage: 'complete',
          reason: 'timeout',
        },
      ]),
    ).toEqual([
      'warren consume: message m9 was printed and acknowledged but could not be recorded as done (timeout): its other copies may be printed too',
    ]);
  });

  it('ignores the events that are not about duplicates', () => {
    expect(
      printed('off', [
        { type: 'attached', node: 'b1' },
        { type: 'lost', node: 'b1', reason: 'connection closed' },
      ]),
    ).toEqual([]);
  });
});
