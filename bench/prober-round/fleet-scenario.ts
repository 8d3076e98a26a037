/**
 * The prober bench's fleet scenario: a registry of N endpoints, a tenth hung,
 * a tenth refusing and the rest relayed to the real local brokers, probed in
 * rounds as the Lambda does (DynamoDbHealthRegistry with fleet snapshots), with
 * the round's bounds (`bounded`) or with every probe and write at once, as
 * before them (`unbounded`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import type { ProbeTarget } from '../../src/prober/probe-broker.js';
import { type RoundSummary, runProbeRound } from '../../src/prober/probe-round.js';
import type { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { createRoundRecorder, type RoundCounts } from './round-recorder.js';
import type { EndpointCounts, EndpointPorts } from './simulated-endpoints.js';

export type EndpointKind = 'healthy' | 'hung' | 'refused';

/** Tenths of the fleet of each kind, summing to 10. */
export interface FleetMix {
  readonly healthy: number;
  readonly hung: number;
  readonly refused: number;
}
export const DEFAULT_FLEET_MIX: FleetMix = { healthy: 8, hung: 1, refused: 1 };

/** Of every ten brokers, the first `mix.hung` hang, the next `mix.refused` refuse, the rest are relayed to a real broker. */
export const kindOf = (index: number, mix: FleetMix): EndpointKind =>
  index % 10 < mix.hung ? 'hung' : index % 10 < mix.hung + mix.refused ? 'refused' : 'healthy';

export interface ScenarioTarget {
  readonly id: string;
  readonly kind: EndpointKind;
  readonly endpoint: string;
  readonly managementEndpoint?: string;
}

/** `count` targets over the simulated endpoints and `refusedPorts` (where nobody listens). */
export function scenarioTargets(
  count: number,
  ports: EndpointPorts,
  refusedPorts: readonly number[],
  mix: FleetMix = DEFAULT_FLEET_MIX,
): ScenarioTarget[] {
  const next = { healthy: 0, hung: 0, refused: 0 };
  return Array.from({ length: count }, (_, index) => {
    const kind = kindOf(index, mix);
    const i = next[kind]++;
    const port = { healthy: ports.relayed, hung: ports.hanging, refused: refusedPorts }[kind][i];
    if (port === undefined) throw new Error(`no ${kind} port ${i}`);
    const management = ports.management[i % ports.management.length];
    return {
      id: `b${String(index + 1).padStart(4, '0')}`,
      kind,
      endpoint: `amqp://127.0.0.1:${port}`,
      ...(kind === 'healthy' &&
        management !== undefined && { managementEndpoint: `http://127.0.0.1:${management}` }),
    };
  });
}

export interface ScenarioRound {
  readonly wallMs: number;
  /** Absent when the round threw (a registry call failed): `error` says why. */
  readonly summary?: RoundSummary;
  readonly error?: string;
  readonly counts: RoundCounts;
  readonly sockets: EndpointCounts;
  /** CPU ms the simulated endpoints' process (the relays) used during the round. */
  readonly relayCpuMs: number;
}

export interface ScenarioOptions {
  readonly registry: DynamoDbHealthRegistry;
  readonly targets: readonly ScenarioTarget[];
  readonly probe: (target: ProbeTarget) => Promise<ProbeOutcome>;
  readonly variant: 'bounded' | 'unbounded';
  readonly rounds: number;
  readonly intervalMs: number;
  readonly refreshAfterMs: number;
  /** Reads (and resets) the prober's connections held at the simulated endpoints. */
  readonly socketCounts: () => Promise<EndpointCounts>;
}

/** Registers the targets, then runs `rounds` rounds start-to-start every `intervalMs`. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioRound[]> {
  const { registry, targets } = options;
  for (let i = 0; i < targets.length; i += 50) {
    await Promise.all(
      targets
        .slice(i, i + 50)
        .map(({ kind: _kind, ...node }) => registry.registerNode(node, new Date())),
    );
  }
  const recorder = createRoundRecorder(registry, options.probe);
  const limits =
    options.variant === 'bounded'
      ? { intervalMs: options.intervalMs }
      : {
          probeConcurrency: Number.POSITIVE_INFINITY,
          healthWritesPerSecond: Number.POSITIVE_INFINITY,
        };
  const rounds: ScenarioRound[] = [];
  for (let i = 0; i < options.rounds; i++) {
    const before = await options.socketCounts();
    await recorder.start();
    const started = performance.now();
    // No jitter, as in the bench's other scenarios: it would only blur round times.
    const result = await runProbeRound({
      registry,
      probe: recorder.probe,
      refreshAfterMs: options.refreshAfterMs,
      ...limits,
    }).then(
      (summary) => ({ summary }),
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
    );
    const wallMs = performance.now() - started;
    const counts = await recorder.stop();
    const sockets = await options.socketCounts();
    rounds.push({ wallMs, ...result, counts, sockets, relayCpuMs: sockets.cpuMs - before.cpuMs });
    if (i < options.rounds - 1) await sleep(Math.max(0, options.intervalMs - wallMs));
  }
  return rounds;
}
