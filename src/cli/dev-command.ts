import { once } from 'node:events';
import { resolve } from 'node:path';
import { startFleet } from '../fleet/fleet.js';
import { assertDataDirFree } from '../fleet/fleet-state.js';
import { loadTopology } from '../topology/load-topology.js';
import { type CommandIo, commandIo } from './command-io.js';
import { parseDevArgs } from './dev-args.js';
import { createDevLog } from './dev-log.js';

/** How often the log prints the flap summaries that are due. */
const TICK_MS = 1_000;

/**
 * `warren dev`: runs the fleet until SIGINT or SIGTERM, then stops everything
 * it started. A data directory another warren uses is refused before anything is printed.
 *
 * @example process.exitCode = await runDev(['--nodes', '1', '--port', '0']);
 */
export async function runDev(
  args: readonly string[],
  io: Partial<CommandIo> = {},
): Promise<number> {
  const { out, paint } = commandIo(io);
  const options = parseDevArgs(args);
  if ('help' in options) {
    out(options.help);
    return 0;
  }
  const topology = options.topologyFile ? await loadTopology(options.topologyFile) : undefined;
  await assertDataDirFree(resolve(options.dataDir));
  const startedAt = Date.now();
  const log = createDevLog({ json: options.json, paint, out, nowMs: Date.now });
  log.note({
    type: 'fleet-starting',
    brokers: options.brokers?.length ?? options.nodes,
    existing: options.brokers !== undefined,
    dataDir: options.dataDir,
    replicas: options.replicas,
  });
  const ticks = setInterval(() => log.tick(), TICK_MS).unref();
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      stop.abort(signal);
      return;
    }
    // A second signal: stop waiting; the exit hook SIGKILLs every broker still running.
    log.note({ type: 'fleet-exiting', signal });
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const fleet = await startFleet({
      nodes: options.nodes,
      port: options.port,
      dataDir: options.dataDir,
      replicas: options.replicas,
      ...(options.brokers && { brokers: options.brokers }),
      ...(topology && { topology }),
      signal: stop.signal,
      onEvent: (event) => log.event(event),
    });
    log.note({
      type: 'fleet-ready',
      apiUrl: fleet.apiUrl,
      readyMs: Date.now() - startedAt,
      brokers: fleet.brokers.map((broker) => broker.id),
    });
    if (!stop.signal.aborted) await once(stop.signal, 'abort');
    await fleet.stop();
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    clearInterval(ticks);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  log.note({ type: 'fleet-stopped' });
  return 0;
}
