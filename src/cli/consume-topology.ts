import { ENV, readTopologyConfig } from '../config.js';
import { readFleetState } from '../fleet/fleet-state.js';
import { loadTopology } from '../topology/load-topology.js';
import type { Topology } from '../topology/topology.js';
import {
  DEFAULT_DATA_DIR,
  NoLocalFleetError,
  type RegistryTargetOptions,
} from './registry-target.js';

/**
 * The topology `warren consume` checks its queue against: the local fleet's
 * own (recorded in `<data-dir>/fleet.json`); for a registry table, the
 * `--topology` file, else `WARREN_TOPOLOGY`, else the default topology.
 * The local fleet or a table is chosen as `openRegistryTarget` chooses.
 *
 * @example const topology = await consumeTopology({ table: 'warren-registry' }, undefined, process.env);
 */
export async function consumeTopology(
  target: RegistryTargetOptions,
  topologyFile: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Topology> {
  const remote =
    target.table !== undefined ||
    (target.dataDir === undefined && env[ENV.registryTable] !== undefined);
  if (remote)
    return topologyFile === undefined ? readTopologyConfig(env) : loadTopology(topologyFile);
  const dataDir = target.dataDir ?? DEFAULT_DATA_DIR;
  if (topologyFile !== undefined) {
    throw new Error(
      `--topology is for a registry table (--table): the local fleet in ${dataDir} uses the topology it was started with`,
    );
  }
  const topology = (await readFleetState(dataDir))?.topology;
  if (topology === undefined) {
    throw new NoLocalFleetError(
      dataDir,
      `the local fleet in ${dataDir} records no topology (it was started by an older warren)`,
      'restart it',
    );
  }
  return topology;
}
