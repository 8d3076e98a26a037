/** The under-load phase: each fault in turn on each system, every queue audited after each scenario. */
import { auditDeliveries } from './audit.js';
import { runUnderLoad } from './load-run.js';
import { progress } from './progress.js';
import type { Scenario } from './report.js';
import { FAULTS } from './settings.js';
import { FAULT_NAMES, type SystemUnderTest } from './system-under-test.js';

/**
 * For each fault, each system in turn: its queues emptied, `beforeEach` (the
 * cluster's publishers start again on their first nodes), the load with the
 * fault, recovery (a killed node back and everything whole), then the audit.
 */
export async function runFaultPhase(
  systems: readonly SystemUnderTest[],
  beforeEach: () => Promise<void>,
): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const kind of FAULTS) {
    for (const [index, system] of systems.entries()) {
      await system.drain();
      await beforeEach();
      const prepared = await system.prepare(kind);
      progress(`${FAULT_NAMES[kind]} of ${system.name} ${prepared.target} under load...`);
      const load = await runUnderLoad(system.send, `${kind}-s${index}`, prepared.run);
      const note = await prepared.recover();
      const audit = auditDeliveries(load.deliveries, await system.drain());
      scenarios.push({ kind, system: system.name, target: prepared.target, note, load, audit });
      progress(
        `  accepted ${load.accepted}, failed requests ${load.failedRequests}, ` +
          `retried ${load.retriedAttempts}, longest pause ${Math.round(load.maxPauseMs)} ms, ` +
          `lost ${audit.lost}, missing copies ${audit.missingCopies}, ` +
          `duplicates ${audit.duplicates} (${audit.extra}); ${note ?? ''}`,
      );
    }
  }
  return scenarios;
}
