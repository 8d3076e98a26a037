import type { ProbeOutcome } from '../../src/core/probe-outcome.js';

/** The probe outcomes the prober's tests feed a round: a quick answer, a refused port, a hung handshake. */
export const PROBE_OUTCOMES = {
  ok: { result: 'ok', latencyMs: 1.5 },
  refused: { result: 'failed', stage: 'tcp', severity: 'hard', reason: 'connection refused' },
  hung: {
    result: 'failed',
    stage: 'amqp',
    severity: 'soft',
    reason: 'no AMQP handshake or channel in time',
  },
} as const satisfies Record<string, ProbeOutcome>;
