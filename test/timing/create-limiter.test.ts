import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/timing/create-limiter.js';

/** A clock that only moves when the limiter sleeps, so pacing is measured without waiting. */
function simulatedTime() {
  let nowMs = 1_000;
  return {
    now: () => nowMs,
    sleep: async (ms: number) => {
      nowMs += ms;
    },
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

/** A task that runs until released, recording when it started. */
function gatedTasks(count: number, now: () => number) {
  const started: { index: number; atMs: number }[] = [];
  const releases: (() => void)[] = [];
  let running = 0;
  let mostRunning = 0;
  const tasks = Array.from({ length: count }, (_, index) => async () => {
    started.push({ index, atMs: now() });
    running += 1;
    mostRunning = Math.max(mostRunning, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running -= 1;
    return index;
  });
  return { tasks, started, releases, mostRunning: () => mostRunning };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createLimiter', () => {
  it('never runs more than `concurrency` tasks at once, and starts them in the order given', async () => {
    const limit = createLimiter({ concurrency: 3 });
    const gated = gatedTasks(10, () => 0);

    const results = Promise.all(gated.tasks.map((task) => limit(task)));
    await settle();
    expect(gated.started).toHaveLength(3);
    while (gated.started.length < 10 || gated.releases.length > 0) {
      gated.releases.shift()?.();
      await settle();
    }

    expect(await results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(gated.mostRunning()).toBe(3);
    expect(gated.started.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('frees the slot of a task that throws', async () => {
    const limit = createLimiter({ concurrency: 1 });

    const failed = limit(() => Promise.reject(new Error('refused')));
    const next = limit(async () => 'ran');

    await expect(failed).rejects.toThrow('refused');
    expect(await next).toBe('ran');
  });

  it('starts at most `perSecond` tasks a second, evenly spaced, without bursting after idle time', async () => {
    const time = simulatedTime();
    const limit = createLimiter({ perSecond: 250, now: time.now, sleep: time.sleep });
    const startedAt: number[] = [];
    const task = async () => {
      startedAt.push(time.now());
    };

    await Promise.all(Array.from({ length: 5 }, () => limit(task)));
    time.advance(10_000);
    await Promise.all(Array.from({ length: 3 }, () => limit(task)));

    const gaps = startedAt.slice(1).map((at, i) => at - (startedAt[i] ?? at));
    expect(gaps).toEqual([4, 4, 4, 4, 10_000, 4, 4]);
  });

  it('keeps its schedule when a timer fires late, so the rate does not drift down', async () => {
    let nowMs = 0;
    // Every sleep overshoots by 1 ms, as timers do on a busy machine.
    const limit = createLimiter({
      perSecond: 250,
      now: () => nowMs,
      sleep: async (ms) => {
        nowMs += ms + 1;
      },
    });
    const startedAt: number[] = [];

    await Promise.all(
      Array.from({ length: 251 }, () =>
        limit(async () => {
          startedAt.push(nowMs);
        }),
      ),
    );

    // 250 gaps of 4 ms on schedule take 1 000 ms; late timers take 1 ms more, not 250.
    expect(startedAt.at(-1)).toBe(1_001);
  });

  it('paces tasks that also wait for a slot, in the order given', async () => {
    const time = simulatedTime();
    const limit = createLimiter({ concurrency: 2, perSecond: 100, ...time });
    const gated = gatedTasks(4, time.now);

    const results = Promise.all(gated.tasks.map((task) => limit(task)));
    await settle();
    expect(gated.started.map((s) => s.index)).toEqual([0, 1]);
    while (gated.started.length < 4 || gated.releases.length > 0) {
      gated.releases.shift()?.();
      await settle();
    }

    expect(await results).toEqual([0, 1, 2, 3]);
    expect(gated.mostRunning()).toBe(2);
    const startedAt = gated.started.map((s) => s.atMs);
    expect(startedAt.slice(1).map((at, i) => at - (startedAt[i] ?? at))).toEqual([10, 10, 10]);
  });

  it('starts waiting tasks lowest priority first, and in the order given within a priority', async () => {
    const limit = createLimiter({ concurrency: 1 });
    const gated = gatedTasks(6, () => 0);
    const priorities = [0, 2, 2, 0, 1, 2];

    const results = Promise.all(gated.tasks.map((task, i) => limit(task, priorities[i])));
    while (gated.started.length < 6 || gated.releases.length > 0) {
      await settle();
      gated.releases.shift()?.();
    }

    expect(await results).toEqual([0, 1, 2, 3, 4, 5]);
    expect(gated.started.map((s) => s.index)).toEqual([0, 3, 4, 1, 2, 5]);
  });

  it('starts a more urgent task handed over while others wait for their paced turn ahead of them', async () => {
    let nowMs = 0;
    const sleeps: (() => void)[] = [];
    const limit = createLimiter({
      perSecond: 100,
      now: () => nowMs,
      sleep: (ms) =>
        new Promise<void>((resolve) =>
          sleeps.push(() => {
            nowMs += ms;
            resolve();
          }),
        ),
    });
    const started: string[] = [];
    const task = (name: string) => async () => {
      started.push(`${name}@${nowMs}`);
    };

    const refreshes = ['r1', 'r2', 'r3'].map((name) => limit(task(name), 2));
    await settle();
    expect(started).toEqual(['r1@0']);
    const transition = limit(task('t1'), 0);
    while (started.length < 4) {
      sleeps.shift()?.();
      await settle();
    }
    await Promise.all([...refreshes, transition]);

    expect(started).toEqual(['r1@0', 't1@10', 'r2@20', 'r3@30']);
  });

  it.each([{ concurrency: 0 }, { perSecond: 0 }, { perSecond: -5 }, { concurrency: Number.NaN }])(
    'refuses a limit that would never start a task: %o',
    (limits) => {
      expect(() => createLimiter(limits)).toThrow(RangeError);
    },
  );
});
