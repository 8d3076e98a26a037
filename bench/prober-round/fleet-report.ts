/** The rows the prober bench prints for one run of its fleet scenario. */
import type { BrokerNode } from '../../src/core/broker-node.js';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import type { RoundSummary } from '../../src/prober/probe-round.js';
import { median } from '../support/measure.js';
import { percentile } from '../support/samples.js';
import type { EndpointKind, ScenarioRound, ScenarioTarget } from './fleet-scenario.js';

type CompletedRound = ScenarioRound & { readonly summary: RoundSummary };
const completed = (round: ScenarioRound): round is CompletedRound => round.summary !== undefined;

/** Rounds from this one on are steady: a hung broker is unhealthy after `fall` (3) rounds. */
export const FIRST_STEADY_ROUND = 4;

/** A duration as the prober bench prints it: `93.4 ms`, `2388 ms`. */
export const ms = (value: number) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;
const kindLabel = (outcome: ProbeOutcome) =>
  outcome.result === 'failed' ? `failed at ${outcome.stage}` : outcome.result;
const reasonOf = (outcome: ProbeOutcome) => ('reason' in outcome ? outcome.reason : undefined);

function outcomesOf(rounds: readonly CompletedRound[], ids: ReadonlySet<string>): string {
  const counts = new Map<string, number>();
  const reasons = new Set<string>();
  for (const { summary } of rounds) {
    for (const [id, outcome] of Object.entries(summary.outcomes)) {
      if (!ids.has(id)) continue;
      counts.set(kindLabel(outcome), (counts.get(kindLabel(outcome)) ?? 0) + 1);
      const reason = reasonOf(outcome);
      if (reason) reasons.add(reason);
    }
  }
  const list = [...counts].map(([label, count]) => `${label} ${count}`).join(', ');
  return reasons.size > 0 ? `${list} (${[...reasons].slice(0, 3).join('; ')})` : list;
}

/** Median and p90 of one kind's probe times over the given rounds. */
function probeTimes(rounds: readonly ScenarioRound[], ids: ReadonlySet<string>): string {
  const times = rounds.flatMap((round) =>
    [...round.counts.probeMs].flatMap(([id, time]) => (ids.has(id) ? [time] : [])),
  );
  return times.length === 0
    ? '-'
    : `median ${ms(median(times))}, p90 ${ms(percentile(times, 0.9))}, max ${ms(Math.max(...times))} (steady rounds)`;
}

export interface FleetReportInput {
  readonly label: string;
  readonly rounds: readonly ScenarioRound[];
  readonly targets: readonly ScenarioTarget[];
  /** The broker items after the last round. */
  readonly nodes: readonly BrokerNode[];
  readonly amqpTimeoutMs: number;
  readonly worstCaseMs: number;
}

export function fleetReportRows(input: FleetReportInput): [string, string][] {
  const { label } = input;
  const rounds = input.rounds.filter(completed);
  const failed = input.rounds.filter((round) => !completed(round));
  const steady = input.rounds.slice(FIRST_STEADY_ROUND - 1).filter(completed);
  const steadyMedian = (pick: (round: CompletedRound) => number) => median(steady.map(pick));
  const wall = steadyMedian((r) => r.wallMs);
  const first = input.rounds[0]?.summary;
  const idsOf = (kind: EndpointKind) =>
    new Set(input.targets.filter((t) => t.kind === kind).map((t) => t.id));
  const statesOf = (kind: EndpointKind) => {
    const ids = idsOf(kind);
    const states = new Map<string, number>();
    for (const node of input.nodes.filter((n) => ids.has(n.id)))
      states.set(node.health.state, (states.get(node.health.state) ?? 0) + 1);
    return [...states].map(([state, count]) => `${state} ${count}`).join(', ');
  };
  const max = (pick: (round: ScenarioRound) => number) => Math.max(...input.rounds.map(pick));
  const writes = input.rounds.map((r) => (r.summary ? String(r.summary.writes) : 'x'));
  const steadyWrites = steady.map((r) => r.summary.writes);
  const snapshots = rounds.map((r) => r.summary.snapshot);
  return [
    [
      `${label}: round wall, steady (rounds ${FIRST_STEADY_ROUND}..${rounds.length})`,
      `median ${ms(wall)}; every round ${input.rounds.map((r) => `${ms(r.wallMs)}${r.summary ? '' : ' (failed)'}`).join(', ')}`,
    ],
    [
      `${label}: rounds that threw`,
      failed.length === 0
        ? 'none'
        : `${failed.length} of ${input.rounds.length}: ${[...new Set(failed.map((r) => r.error))].join('; ')}`,
    ],
    [
      `${label}: phases, steady median`,
      `list + probes ${ms(steadyMedian((r) => r.summary.phases.probesMs))}, ` +
        `writes ${ms(steadyMedian((r) => r.summary.phases.writesMs))}, ` +
        `snapshot ${ms(steadyMedian((r) => r.summary.phases.snapshotMs))}`,
    ],
    [
      `${label}: phases, first round`,
      first
        ? `list + probes ${ms(first.phases.probesMs)}, writes ${ms(first.phases.writesMs)}, ` +
          `snapshot ${ms(first.phases.snapshotMs)}`
        : 'threw',
    ],
    [
      `${label}: writes per round`,
      `${writes.join(' ')}; first ${writes[0]}, steady mean ` +
        `${(steadyWrites.reduce((a, b) => a + b, 0) / Math.max(1, steadyWrites.length)).toFixed(1)}, ` +
        `conflicts ${rounds.reduce((sum, r) => sum + r.summary.conflicts, 0)}`,
    ],
    [
      `${label}: peak writes issued in 1 s`,
      `max ${max((r) => r.counts.peakWritesPerSecond)}; per round ${input.rounds.map((r) => r.counts.peakWritesPerSecond).join(' ')}`,
    ],
    [
      `${label}: peak in flight`,
      `probes ${max((r) => r.counts.peakProbesInFlight)}; prober's connections held at the endpoints: ` +
        `relayed ${max((r) => r.sockets.relayed.peak)}, hung ${max((r) => r.sockets.hanging.peak)}, ` +
        `management ${max((r) => r.sockets.management.peak)}; ` +
        `this process's open fds ${max((r) => r.counts.peakFds)} (${Math.min(...input.rounds.map((r) => r.counts.fdsBefore))} between rounds)`,
    ],
    [
      `${label}: machine CPU busy during the round`,
      `median ${(100 * median(input.rounds.map((r) => r.counts.machineBusy ?? 0))).toFixed(0)} % ` +
        `(2 cores shared by the prober, the relays, 3 brokers and dynalite); the relays' process ` +
        `${(100 * median(input.rounds.map((r) => r.relayCpuMs / r.wallMs))).toFixed(0)} % of one core, ` +
        `this process ${(100 * median(input.rounds.map((r) => r.counts.cpuMs / r.wallMs))).toFixed(0)} %`,
    ],
    [`${label}: one probe, healthy`, probeTimes(steady, idsOf('healthy'))],
    [`${label}: one probe, hung`, probeTimes(steady, idsOf('hung'))],
    [`${label}: outcomes, healthy`, outcomesOf(rounds, idsOf('healthy'))],
    [`${label}: outcomes, hung`, outcomesOf(rounds, idsOf('hung'))],
    [`${label}: outcomes, refused`, outcomesOf(rounds, idsOf('refused'))],
    [
      `${label}: after the rounds`,
      `healthy: ${statesOf('healthy')}; hung: ${statesOf('hung')}; refused: ${statesOf('refused')}`,
    ],
    [
      `${label}: snapshots`,
      `${snapshots.filter((s) => s?.state === 'published').length}/${input.rounds.length} published` +
        `${snapshots.find((s) => s?.state === 'failed') ? ' (some failed)' : ''}`,
    ],
    [
      `${label}: steady round / amqp timeout`,
      `${(wall / input.amqpTimeoutMs).toFixed(2)}x; / worst-case probe bound ${ms(input.worstCaseMs)} ` +
        `${(wall / input.worstCaseMs).toFixed(2)}x; list + probes / amqp timeout ` +
        `${(steadyMedian((r) => r.summary.phases.probesMs) / input.amqpTimeoutMs).toFixed(2)}x`,
    ],
  ];
}
