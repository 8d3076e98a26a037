import { describe, expect, it } from 'vitest';
import {
  createConfirmWindow,
  PublishState,
  type ReturnedMessage,
} from '../../src/amqp/confirm-window.js';

const { Pending, Confirmed, Nacked, Returned, Unroutable } = PublishState;
const never = () => false;

/** A window with entries of the given sizes; `settled` records which entries finished, in order. */
function windowOf(...sizes: number[]) {
  const window = createConfirmWindow();
  const settled: number[] = [];
  const entries = sizes.map((size, n) => window.open(size, never, () => settled.push(n)));
  const states = () => entries.map((entry) => [...entry.states]);
  return { window, entries, settled, states };
}

describe('the confirm window', () => {
  it('gives entries consecutive delivery tags from 1', () => {
    const { entries } = windowOf(3, 2, 4);
    expect(entries.map((entry) => entry.firstTag)).toEqual([1, 4, 6]);
  });

  it.each([
    [
      'one multiple ack for everything',
      [[9, true, Confirmed]],
      [
        [1, 1, 1],
        [1, 1],
        [1, 1, 1, 1],
      ],
      [0, 1, 2],
    ],
    [
      'a multiple ack ending inside an entry',
      [[5, true, Confirmed]],
      [
        [1, 1, 1],
        [1, 1],
        [0, 0, 0, 0],
      ],
      [0, 1],
    ],
    [
      'a multiple ack ending mid-entry, then the rest',
      [
        [2, true, Confirmed],
        [9, true, Confirmed],
      ],
      [
        [1, 1, 1],
        [1, 1],
        [1, 1, 1, 1],
      ],
      [0, 1, 2],
    ],
    [
      'single acks out of order',
      [
        [2, false, Confirmed],
        [1, false, Confirmed],
        [3, false, Confirmed],
      ],
      [
        [1, 1, 1],
        [0, 0],
        [0, 0, 0, 0],
      ],
      [0],
    ],
    [
      'a single nack among acks',
      [
        [4, false, Nacked],
        [9, true, Confirmed],
      ],
      [
        [1, 1, 1],
        [2, 1],
        [1, 1, 1, 1],
      ],
      [0, 1, 2],
    ],
    [
      'a multiple nack',
      [[3, true, Nacked]],
      [
        [2, 2, 2],
        [0, 0],
        [0, 0, 0, 0],
      ],
      [0],
    ],
    [
      'an ack for a tag no entry holds',
      [[42, false, Confirmed]],
      [
        [0, 0, 0],
        [0, 0],
        [0, 0, 0, 0],
      ],
      [],
    ],
  ] as const)('settles by range: %s', (_name, confirms, states, settled) => {
    const window = windowOf(3, 2, 4);
    for (const [tag, multiple, outcome] of confirms) window.window.settle(tag, multiple, outcome);
    expect(window.states()).toEqual(states);
    expect(window.settled).toEqual(settled);
  });

  it('does not settle a publish twice', () => {
    const { window, entries, settled } = windowOf(2);
    window.settle(1, false, Nacked);
    window.settle(2, true, Confirmed);
    expect([...(entries[0]?.states ?? [])]).toEqual([Nacked, Confirmed]);
    expect(settled).toEqual([0]);
  });

  it('stops tracking a forgotten entry, and later tags still settle their own', () => {
    const { window, entries, settled } = windowOf(2, 2);
    window.forget(entries[0] as never);
    window.settle(4, true, Confirmed);
    expect(entries.map((entry) => [...entry.states])).toEqual([
      [Pending, Pending],
      [Confirmed, Confirmed],
    ]);
    expect(settled).toEqual([1]);
  });

  const returned = (messageId: string): ReturnedMessage => ({
    exchange: '',
    routingKey: 'nowhere',
    messageId,
    content: Buffer.from('{}'),
  });

  it('marks the first matching publish still awaiting its confirm as returned, then unroutable once confirmed', () => {
    const window = createConfirmWindow();
    const ids = ['a', 'b', 'a'];
    const entry = window.open(
      3,
      (index, message) => ids[index] === message.messageId,
      () => undefined,
    );
    window.markReturned(returned('a'));
    expect([...entry.states]).toEqual([Returned, Pending, Pending]);
    window.markReturned(returned('a'));
    expect([...entry.states]).toEqual([Returned, Pending, Returned]);
    window.settle(3, true, Confirmed);
    expect([...entry.states]).toEqual([Unroutable, Confirmed, Unroutable]);
  });

  it('calls a returned publish that is then nacked nacked', () => {
    const window = createConfirmWindow();
    const entry = window.open(
      1,
      () => true,
      () => undefined,
    );
    window.markReturned(returned('a'));
    window.settle(1, false, Nacked);
    expect([...entry.states]).toEqual([Nacked]);
  });

  it('settles a large entry acked in many small ranges', () => {
    const window = createConfirmWindow();
    let done = 0;
    const entry = window.open(1_000, never, () => done++);
    for (let tag = 10; tag <= 1_000; tag += 10) window.settle(tag, true, Confirmed);
    expect(entry.states.every((state) => state === Confirmed)).toBe(true);
    expect(entry.unsettled).toBe(0);
    expect(done).toBe(1);
  });
});
