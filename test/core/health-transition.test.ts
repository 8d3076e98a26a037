import { describe, expect, it } from 'vitest';
import type { HealthStateName } from '../../src/core/broker-node.js';
import {
  DEFAULT_HEALTH_POLICY,
  type HealthRecord,
  nextHealth,
} from '../../src/core/health-transition.js';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

const ok: ProbeOutcome = { result: 'ok', latencyMs: 3 };
const slow: ProbeOutcome = { result: 'degraded', latencyMs: 900, reason: 'confirm took 900 ms' };
const timeout: ProbeOutcome = {
  result: 'failed',
  stage: 'amqp',
  severity: 'soft',
  reason: 'no handshake within 2000 ms',
};
const refused: ProbeOutcome = {
  result: 'failed',
  stage: 'tcp',
  severity: 'hard',
  reason: 'ECONNREFUSED',
};
const alarm: ProbeOutcome = { result: 'blocked', stage: 'management', reason: 'memory alarm' };

const initial: HealthRecord = {
  health: { state: 'initial' },
  consecutiveSuccesses: 0,
  consecutiveFailures: 0,
  flapCount: 0,
};
/** A broker that has been healthy since long before T0. */
const healthy: HealthRecord = {
  health: { state: 'healthy', since: '2026-11-26T10:00:00.000Z' },
  consecutiveSuccesses: 2,
  consecutiveFailures: 0,
  flapCount: 0,
  lastTransitionAt: '2026-11-26T10:00:00.000Z',
};

/** Applies outcomes 15 s apart from T0 and returns each resulting state. */
function replay(
  start: HealthRecord,
  outcomes: readonly ProbeOutcome[],
): { states: HealthStateName[]; last: HealthRecord } {
  let record = start;
  const states: HealthStateName[] = [];
  outcomes.forEach((outcome, i) => {
    record = nextHealth(record, outcome, DEFAULT_HEALTH_POLICY, at(i * 15)).record;
    states.push(record.health.state);
  });
  return { states, last: record };
}

describe('nextHealth', () => {
  it.each<[string, HealthRecord, ProbeOutcome[], HealthStateName[]]>([
    ['a new broker is healthy after one success', initial, [ok], ['healthy']],
    [
      'a new broker stays initial through timeouts short of fall',
      initial,
      [timeout, timeout],
      ['initial', 'initial'],
    ],
    [
      'a new broker is unhealthy after fall timeouts',
      initial,
      [timeout, timeout, timeout],
      ['initial', 'initial', 'unhealthy'],
    ],
    [
      'a new broker that refuses connections is unhealthy at once',
      initial,
      [refused],
      ['unhealthy'],
    ],
    [
      'a healthy broker is suspect (degraded) after one timeout, unhealthy after fall',
      healthy,
      [timeout, timeout, timeout],
      ['degraded', 'degraded', 'unhealthy'],
    ],
    [
      'a refused connection makes a healthy broker unhealthy at once',
      healthy,
      [refused],
      ['unhealthy'],
    ],
    ['an alarm makes a healthy broker blocked at once', healthy, [alarm], ['blocked']],
    [
      'a timeout streak broken by a success does not reach unhealthy',
      healthy,
      [timeout, timeout, ok, timeout, timeout],
      ['degraded', 'degraded', 'healthy', 'degraded', 'degraded'],
    ],
    [
      'a slow broker is degraded and healthy again once fast',
      healthy,
      [slow, ok],
      ['degraded', 'healthy'],
    ],
    [
      'an unhealthy broker needs rise successes to recover',
      {
        ...healthy,
        health: { state: 'unhealthy', since: '2026-11-26T10:00:00.000Z', reason: 'x' },
        consecutiveSuccesses: 0,
        consecutiveFailures: 3,
      },
      [ok, ok],
      ['unhealthy', 'healthy'],
    ],
    [
      'a blocked broker needs rise successes once the alarm clears',
      {
        ...healthy,
        health: { state: 'blocked', since: '2026-11-26T10:00:00.000Z', reason: 'x' },
        consecutiveSuccesses: 0,
        consecutiveFailures: 1,
      },
      [alarm, ok, ok],
      ['blocked', 'blocked', 'healthy'],
    ],
    [
      'a failure during recovery restarts the rise count',
      {
        ...healthy,
        health: { state: 'unhealthy', since: '2026-11-26T10:00:00.000Z', reason: 'x' },
        consecutiveSuccesses: 0,
      },
      [ok, timeout, ok, ok],
      ['unhealthy', 'unhealthy', 'unhealthy', 'healthy'],
    ],
  ])('%s', (_, start, outcomes, expected) => {
    expect(replay(start, outcomes).states).toEqual(expected);
  });

  it('reports a transition only when the state changes', () => {
    const down = nextHealth(healthy, refused, DEFAULT_HEALTH_POLICY, at(0));
    const stillDown = nextHealth(down.record, refused, DEFAULT_HEALTH_POLICY, at(15));

    expect(down.transition).toEqual({ from: 'healthy', to: 'unhealthy' });
    expect(down.record.lastTransitionAt).toBe(at(0).toISOString());
    expect(stillDown.transition).toBeUndefined();
    expect(stillDown.record.health).toEqual({
      state: 'unhealthy',
      since: at(0).toISOString(),
      reason: 'tcp: ECONNREFUSED',
    });
  });

  it('leaves a steady healthy broker unchanged, so it needs no write', () => {
    expect(nextHealth(healthy, ok, DEFAULT_HEALTH_POLICY, at(0))).toEqual({ record: healthy });
  });

  it('leaves a broker that stays down with the same reason unchanged after fall probes', () => {
    const down = replay(healthy, [refused, refused, refused]).last;
    expect(nextHealth(down, refused, DEFAULT_HEALTH_POLICY, at(60)).record).toEqual(down);
  });

  it('does not hold down a broker after its first quick failure', () => {
    const recovered: HealthRecord = { ...healthy, lastTransitionAt: at(0).toISOString() };
    const down = nextHealth(recovered, refused, DEFAULT_HEALTH_POLICY, at(60)).record;
    expect(down.flapCount).toBe(1);
    expect(down.holdDownUntil).toBeUndefined();
    expect(replay(down, [ok, ok]).states).toEqual(['unhealthy', 'healthy']);
  });

  it('holds a broker that flaps again down for the hold-down even after rise successes', () => {
    // Recovered at T0 after an earlier flap, down again 60 s later.
    const recovered: HealthRecord = {
      ...healthy,
      flapCount: 1,
      lastTransitionAt: at(0).toISOString(),
    };
    const down = nextHealth(recovered, refused, DEFAULT_HEALTH_POLICY, at(60)).record;
    expect(down.flapCount).toBe(2);
    expect(down.holdDownUntil).toBe(at(90).toISOString());

    const early = nextHealth(
      nextHealth(down, ok, DEFAULT_HEALTH_POLICY, at(70)).record,
      ok,
      DEFAULT_HEALTH_POLICY,
      at(80),
    );
    expect(early.record.health.state).toBe('unhealthy');
    expect(nextHealth(early.record, ok, DEFAULT_HEALTH_POLICY, at(91)).record.health.state).toBe(
      'healthy',
    );
  });

  it('doubles the hold-down on each further flap, up to the maximum', () => {
    const holdDowns: number[] = [];
    let record: HealthRecord = { ...healthy, lastTransitionAt: at(0).toISOString() };
    let now = 0;
    for (let flap = 1; flap <= 8; flap++) {
      now += 10;
      record = nextHealth(record, refused, DEFAULT_HEALTH_POLICY, at(now)).record;
      const until = record.holdDownUntil ? Date.parse(record.holdDownUntil) : at(now).getTime();
      holdDowns.push((until - at(now).getTime()) / 1000);
      now = (until - T0) / 1000 + 1;
      record = nextHealth(
        nextHealth(record, ok, DEFAULT_HEALTH_POLICY, at(now)).record,
        ok,
        DEFAULT_HEALTH_POLICY,
        at(now),
      ).record;
      expect(record.health.state).toBe('healthy');
    }
    expect(holdDowns).toEqual([0, 30, 60, 120, 240, 480, 600, 600]);
  });

  it('forgets old flaps once a broker has stayed up longer than the flap window', () => {
    const flapped: HealthRecord = {
      ...healthy,
      flapCount: 3,
      lastTransitionAt: at(0).toISOString(),
    };
    const down = nextHealth(flapped, refused, DEFAULT_HEALTH_POLICY, at(6 * 60)).record;

    expect(down.flapCount).toBe(0);
    expect(down.holdDownUntil).toBeUndefined();
  });
});
