import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { renderFleetEvent } from '../../src/cli/render-fleet-event.js';
import { startFleet } from '../../src/fleet/fleet.js';
import type { FleetDescription } from '../../src/fleet/fleet-state.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fleet: FleetDescription;
  }
}

/**
 * Starts one local fleet for the whole run, with the same code as `warren dev`:
 * three real brokers under supervision, dynalite and the HTTP API. A machine
 * without rabbitmq-server fails the run here, with instructions; nothing is skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'warren-test-'));
  const fleet = await startFleet({
    dataDir,
    nodes: 3,
    port: 0,
    onEvent: (event) => {
      const line = renderFleetEvent(event);
      if (line !== undefined && event.type !== 'broker-waiting') console.log(`[fleet] ${line}`);
    },
  });
  const { supervisors: _supervisors, stop: _stop, ...description } = fleet;
  project.provide('fleet', description);
  return async () => {
    await fleet.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
