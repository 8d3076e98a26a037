import type { BrokerNode, HealthState } from '../core/broker-node.js';
import type { ProbeOutcome } from '../core/probe-outcome.js';
import {
  earlyRefreshes,
  type HealthWrite,
  isTcpFailure,
  type NodePlan,
  planNode,
  type RoundContext,
  suspectsProberNetwork,
  type Transition,
  WRITE_URGENCY,
  type WriteUrgency,
} from '../core/probe-round-plan.js';
import type { HealthRegistry } from '../registry/health-registry.js';
import { createLimiter } from '../timing/create-limiter.js';

export interface RoundWriterOptions {
  readonly registry: HealthRegistry;
  /** Brokers the round probes: every one of them is handed to `accept` once. */
  readonly probed: number;
  /** The round's planning context; `now` is read from `clock` as each broker is planned. */
  readonly context: Omit<RoundContext, 'now'>;
  readonly clock: () => Date;
  readonly healthWritesPerSecond: number;
}

/** What a round's writes came to: the figures of the round's summary. */
export interface RoundWrites {
  readonly written: number;
  readonly conflicts: number;
  readonly transitions: readonly Transition[];
  readonly suspectProberNetwork: boolean;
  /** The health each written broker was given, by broker id. */
  readonly planned: ReadonlyMap<string, HealthState>;
}

export interface RoundWriter {
  /** Takes one broker's outcome as its probe ends; its write, if it needs one, is issued at once. */
  accept(node: BrokerNode, outcome: ProbeOutcome): void;
  /** Once every outcome is in: adds the early refreshes and waits for every write. Rejects as the first failed write did. */
  finish(): Promise<RoundWrites>;
}

/** Neither issued nor counted: a write whose turn came after another write of the round had failed. */
type WriteResult = 'written' | 'conflict' | 'skipped';

/**
 * Plans each broker's health write as its probe ends and hands it to a writer
 * paced to `healthWritesPerSecond`, most urgent first among writes waiting for
 * their turn, so a round's writes overlap its slow probes. The same decisions
 * as `planRound`, built from the same parts: outcomes are held back until one
 * rules out suspecting the prober's network (a round of TCP failures only
 * writes nothing), and the early refreshes, which need the round's count of
 * writes, are added by `finish`.
 *
 * @example const writer = createRoundWriter({ registry, probed: targets.length, context, clock, healthWritesPerSecond: 300 });
 */
export function createRoundWriter(options: RoundWriterOptions): RoundWriter {
  const paced = createLimiter({ perSecond: options.healthWritesPerSecond });
  const heldBack: { readonly node: BrokerNode; readonly outcome: ProbeOutcome }[] = [];
  let suspicionRuledOut = false;
  const plans: NodePlan[] = [];
  const results: Promise<WriteResult>[] = [];
  let failed = false;

  const issue = (write: HealthWrite, urgency: WriteUrgency) => {
    const result = paced(
      async (): Promise<WriteResult> => (failed ? 'skipped' : options.registry.recordHealth(write)),
      urgency,
    );
    // Handled at once, so a write failing while probes still run is no unhandled rejection;
    // finish() rejects with it.
    result.catch(() => {
      failed = true;
    });
    results.push(result);
  };
  const plan = (node: BrokerNode, outcome: ProbeOutcome) => {
    const nodePlan = planNode(node, outcome, { ...options.context, now: options.clock() });
    plans.push(nodePlan);
    if (nodePlan.urgency !== undefined) issue(nodePlan.write, nodePlan.urgency);
  };

  return {
    accept(node, outcome) {
      if (!suspicionRuledOut && isTcpFailure(outcome)) {
        heldBack.push({ node, outcome });
        return;
      }
      suspicionRuledOut = true;
      for (const held of heldBack.splice(0)) plan(held.node, held.outcome);
      plan(node, outcome);
    },
    async finish() {
      const suspectProberNetwork = suspectsProberNetwork(heldBack.map(({ outcome }) => outcome));
      if (suspectProberNetwork) return emptyRound();
      for (const held of heldBack.splice(0)) plan(held.node, held.outcome);
      const urgent = plans.filter((nodePlan) => nodePlan.urgency !== undefined);
      const counts = { probed: options.probed, planned: urgent.length };
      const early = earlyRefreshes(plans, counts, { ...options.context, now: options.clock() });
      for (const write of early) issue(write, WRITE_URGENCY.refresh);
      const written = await Promise.all(results);
      const planned = [...urgent.map(({ write }) => write), ...early];
      return {
        written: written.filter((result) => result === 'written').length,
        conflicts: written.filter((result) => result === 'conflict').length,
        transitions: plans.flatMap(({ transition }) => (transition ? [transition] : [])),
        suspectProberNetwork,
        planned: new Map(planned.map((write) => [write.id, write.record.health])),
      };
    },
  };
}

function emptyRound(): RoundWrites {
  return {
    written: 0,
    conflicts: 0,
    transitions: [],
    suspectProberNetwork: true,
    planned: new Map(),
  };
}
