/**
 * The prober bench's first two cases: (1) three real local brokers, rounds 2 s
 * apart as the local fleet's prober runs them, and (2) 100 simulated endpoints
 * that fail (half refused at once, half accepting TCP and then silent, like a
 * SIGSTOPped broker), with the same probes run one at a time as the baseline,
 * bounded to 10 and extrapolated to 100.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import { REFRESH_AFTER_INTERVALS } from '../../src/core/staleness.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { LOCAL_CREDENTIALS } from '../../src/fleet/local-brokers.js';
import {
  DEFAULT_PROBE_OPTIONS,
  type ProbeTarget,
  probeBroker,
} from '../../src/prober/probe-broker.js';
import { type RoundSummary, runProbeRound } from '../../src/prober/probe-round.js';
import type { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import type { openBenchFleet } from '../support/bench-fleet.js';
import type { Cleanups } from '../support/cleanups.js';
import { median } from '../support/measure.js';
import { percentile } from '../support/samples.js';
import { ms } from './fleet-report.js';

/** The local fleet's prober interval. */
export const INTERVAL_MS = 2_000;
/** What `startFleet` passes: REFRESH_AFTER_INTERVALS probe intervals. */
export const DEFAULT_REFRESH_AFTER_MS = REFRESH_AFTER_INTERVALS * INTERVAL_MS;
const SIMULATED = { refused: 50, hanging: 50 } as const;
const SIMULATED_ROUNDS = 4;
const SEQUENTIAL_PER_KIND = 5;

const p90 = (samples: number[]) => percentile(samples, 0.9);
/** A probe as the local fleet's prober makes it. */
export const probe = (target: ProbeTarget) =>
  probeBroker(target, { ...DEFAULT_PROBE_OPTIONS, credentials: LOCAL_CREDENTIALS });
const describe = (outcome: ProbeOutcome) =>
  outcome.result === 'failed' ? `${outcome.stage}: ${outcome.reason}` : outcome.result;

/** Listeners that accept TCP and never send a byte: the AMQP handshake hangs. */
async function startHangingServers(count: number) {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  for (let i = 0; i < count; i++) {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      // Drain what the prober sends, so its FIN is seen and 'close' counts it; never answer.
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  };
  return { ports, openSockets: () => sockets.size, close };
}

interface TimedRound {
  readonly wallMs: number;
  readonly summary: RoundSummary;
}

/** Runs `count` rounds start-to-start every INTERVAL_MS, as the prober loop does. */
async function timedRounds(
  registry: DynamoDbHealthRegistry,
  count: number,
  refreshAfterMs: number,
): Promise<TimedRound[]> {
  const results: TimedRound[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    // No jitter: the fleet's prober adds up to 200 ms; here it would only blur round times.
    const summary = await runProbeRound({ registry, probe, refreshAfterMs });
    const wallMs = performance.now() - started;
    results.push({ wallMs, summary });
    if (i < count - 1) await sleep(Math.max(0, INTERVAL_MS - wallMs));
  }
  return results;
}

export type Fleet = Awaited<ReturnType<typeof openBenchFleet>>['fleet'];
export type FreshRegistry = (label: string) => Promise<DynamoDbHealthRegistry>;

/** (1) three real brokers and (2) 100 simulated failing endpoints, with the sequential baseline. */
export async function smallScenarios(
  fleet: Fleet,
  freshRegistry: FreshRegistry,
  worstCaseMs: number,
  cleanups: Cleanups,
  settings: { readonly rounds: number; readonly refreshAfterMs: number },
): Promise<[string, string][]> {
  const { rounds, refreshAfterMs } = settings;
  const hanging = await startHangingServers(SIMULATED.hanging);
  cleanups.add(hanging.close);
  // 1 + 3a/3b: three real brokers.
  const real = await freshRegistry('real');
  for (const broker of fleet.brokers) {
    await real.registerNode(
      {
        id: broker.id,
        endpoint: broker.endpoint,
        ...(broker.managementEndpoint && { managementEndpoint: broker.managementEndpoint }),
      },
      new Date(),
    );
  }
  console.error(`${rounds} rounds over ${fleet.brokers.length} real brokers...`);
  const realRounds = await timedRounds(real, rounds, refreshAfterMs);
  const latencies = realRounds.flatMap(({ summary }) =>
    Object.values(summary.outcomes).flatMap((o) => ('latencyMs' in o ? [o.latencyMs] : [])),
  );
  const realResults = realRounds.flatMap(({ summary }) =>
    Object.values(summary.outcomes).map((o) => o.result),
  );
  const realWrites = realRounds.map(({ summary }) => summary.writes);
  const steadyWrites = realWrites.slice(2);
  // When each refresh landed (a round's writes happen just after its probes end).
  const writtenAt = realRounds
    .slice(1)
    .filter(({ summary }) => summary.writes > 0)
    .map(({ summary }) => Date.parse(summary.startedAt) + summary.durationMs);
  const refreshGaps = writtenAt.slice(1).map((at, i) => at - (writtenAt[i] ?? at));

  // 2 + 3c: 100 simulated endpoints, concurrently.
  const refusedPorts = await findFreePorts(SIMULATED.refused); // released again: nobody listens
  const sim = await freshRegistry('sim');
  const targets = [
    ...refusedPorts.map((port, i) => ({ id: `refused-${i + 1}`, port })),
    ...hanging.ports.map((port, i) => ({ id: `hanging-${i + 1}`, port })),
  ];
  for (const { id, port } of targets) {
    await sim.registerNode({ id, endpoint: `amqp://127.0.0.1:${port}` }, new Date());
  }
  console.error(`${SIMULATED_ROUNDS} rounds over ${targets.length} simulated endpoints...`);
  const simRounds = await timedRounds(sim, SIMULATED_ROUNDS, refreshAfterMs);
  const { nodes: simNodes } = await sim.listNodes();

  // Baseline: the same probes one at a time, bounded to 10 and extrapolated to 100.
  console.error(`baseline: ${2 * SEQUENTIAL_PER_KIND} sequential probes...`);
  const sequential: { kind: 'refused' | 'hanging'; ms: number; outcome: ProbeOutcome }[] = [];
  for (const kind of ['refused', 'hanging'] as const) {
    for (const { id, port } of targets
      .filter((t) => t.id.startsWith(kind))
      .slice(0, SEQUENTIAL_PER_KIND)) {
      const started = performance.now();
      const outcome = await probe({ id, endpoint: `amqp://127.0.0.1:${port}` });
      sequential.push({ kind, ms: performance.now() - started, outcome });
    }
  }
  const perKind = (kind: 'refused' | 'hanging') =>
    median(sequential.filter((s) => s.kind === kind).map((s) => s.ms));
  const sequentialEstimate =
    SIMULATED.refused * perKind('refused') + SIMULATED.hanging * perKind('hanging');
  const slowestSingle = Math.max(...sequential.map((s) => s.ms));
  const concurrent = median(simRounds.map((r) => r.wallMs));
  await sleep(500); // lets any socket a probe left behind show up below

  const o = DEFAULT_PROBE_OPTIONS;
  const outcomeKinds = [
    ...new Set(simRounds.flatMap((r) => Object.values(r.summary.outcomes).map(describe))),
  ];
  const states = (prefix: string) =>
    [...new Set(simNodes.filter((n) => n.id.startsWith(prefix)).map((n) => n.health.state))].join(
      '/',
    );

  return [
    [
      '3 real brokers: round (wall, incl. writes)',
      `median ${ms(median(realRounds.map((r) => r.wallMs)))}, p90 ${ms(p90(realRounds.map((r) => r.wallMs)))}`,
    ],
    [
      '3 real brokers: list + probes (phases.probesMs)',
      `median ${ms(median(realRounds.map((r) => r.summary.phases.probesMs)))}`,
    ],
    [
      '3 real brokers: publish-confirm latency',
      `median ${ms(median(latencies))}, p90 ${ms(p90(latencies))} (${latencies.length} probes)`,
    ],
    [
      '3 real brokers: outcomes',
      ['ok', 'degraded', 'blocked', 'failed']
        .map((r) => `${r} ${realResults.filter((x) => x === r).length}`)
        .join(', '),
    ],
    ['writes: first round (all new)', `${realWrites[0]}`],
    ['writes: second round', `${realWrites[1]} (successes counter 1 -> rise=2)`],
    [
      `writes: steady state, rounds 3..${rounds}`,
      `mean ${(steadyWrites.reduce((a, b) => a + b, 0) / steadyWrites.length).toFixed(2)}/round; ` +
        `per round ${steadyWrites.join(' ')}`,
    ],
    [
      'refresh gaps (steady state)',
      `${refreshGaps.filter((g) => g < 2.5 * INTERVAL_MS).length} x 2 rounds, ` +
        `${refreshGaps.filter((g) => g >= 2.5 * INTERVAL_MS).length} x 3+ rounds; ` +
        `max ${ms(Math.max(0, ...refreshGaps))} (readers call > ${3 * INTERVAL_MS} ms stale)`,
    ],
    [
      '100 simulated: round (wall, incl. writes)',
      `median ${ms(concurrent)}; per round ${simRounds.map((r) => ms(r.wallMs)).join(', ')} ` +
        `(list + probes: ${simRounds.map((r) => ms(r.summary.phases.probesMs)).join(', ')})`,
    ],
    [
      '100 simulated: writes per round',
      `${simRounds.map((r) => r.summary.writes).join(', ')}; transitions ` +
        `${simRounds.map((r) => r.summary.transitions.length).join(', ')}`,
    ],
    [
      '100 simulated: after the rounds',
      `refused ${states('refused')}, hanging ${states('hanging')}; outcomes: ${outcomeKinds.join('; ')}`,
    ],
    [
      'sequential probe (baseline)',
      `median refused ${ms(perKind('refused'))}, hanging ${ms(perKind('hanging'))}; slowest ${ms(slowestSingle)}`,
    ],
    [
      '100 sequential (extrapolated from 10)',
      `${ms(sequentialEstimate)} = 50 x refused + 50 x hanging medians`,
    ],
    [
      'concurrent / sequential',
      `${(concurrent / sequentialEstimate).toFixed(3)} (${(sequentialEstimate / concurrent).toFixed(1)}x faster)`,
    ],
    [
      'concurrent round / slowest single probe',
      `${(concurrent / slowestSingle).toFixed(2)}x; / amqp timeout ${(concurrent / o.amqpTimeoutMs).toFixed(2)}x; ` +
        `/ worst-case probe bound ${ms(worstCaseMs)} ${(concurrent / worstCaseMs).toFixed(2)}x`,
    ],
    ['sockets left open on hanging listeners', `${hanging.openSockets()}`],
  ];
}
