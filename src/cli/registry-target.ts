import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV, readConfig } from '../config.js';
import { createDynamoDbClients } from '../dynamodb/dynamodb-client.js';
import { isAlive, readFleetState } from '../fleet/fleet-state.js';
import { DynamoDbHealthRegistry } from '../registry/dynamodb-health-registry.js';
import type { HealthRegistry } from '../registry/health-registry.js';

/** The local fleet's data directory when neither `--data-dir` nor a table is given. */
export const DEFAULT_DATA_DIR = '.warren';

/** Which registry the command line asked for; absent fields fall back to env and the local fleet. */
export interface RegistryTargetOptions {
  /** The local fleet's data directory, when given explicitly. */
  readonly dataDir?: string;
  readonly table?: string;
  /** A DynamoDB-compatible endpoint (dynalite, DynamoDB Local); only with a table. */
  readonly endpoint?: string;
  readonly probeIntervalMs?: number;
}

// DynamoDB's own table naming rule.
const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

/**
 * Validates the registry options of the command line. Returns a problem
 * message instead (the caller makes it a usage error).
 *
 * @example parseTargetArgs({ table: 'warren-registry', probeIntervalMs: '2000' }) // { table: 'warren-registry', probeIntervalMs: 2000 }
 */
export function parseTargetArgs(args: {
  readonly dataDir?: string;
  readonly table?: string;
  readonly endpoint?: string;
  readonly probeIntervalMs?: string;
}): RegistryTargetOptions | { problem: string } {
  const { dataDir, table, endpoint, probeIntervalMs: interval } = args;
  if (dataDir === '') return { problem: '--data-dir must not be empty' };
  if (dataDir !== undefined && (table !== undefined || endpoint !== undefined)) {
    return { problem: '--data-dir (the local fleet) and --table or --endpoint exclude each other' };
  }
  if (table !== undefined && !TABLE_NAME_PATTERN.test(table)) {
    return { problem: `--table must be a DynamoDB table name, not ${JSON.stringify(table)}` };
  }
  if (endpoint !== undefined && !isHttpUrl(endpoint)) {
    return { problem: `--endpoint must be an http(s) URL, not ${JSON.stringify(endpoint)}` };
  }
  let probeIntervalMs: number | undefined;
  if (interval !== undefined) {
    probeIntervalMs = Number(interval);
    // The same bounds as WARREN_PROBE_INTERVAL_MS in src/config.ts.
    if (!/^\d+$/.test(interval) || probeIntervalMs < 100 || probeIntervalMs > 600_000) {
      return {
        problem: `--probe-interval-ms must be a whole number from 100 to 600000, not ${JSON.stringify(interval)}`,
      };
    }
  }
  return {
    ...(dataDir !== undefined && { dataDir }),
    ...(table !== undefined && { table }),
    ...(endpoint !== undefined && { endpoint }),
    ...(probeIntervalMs !== undefined && { probeIntervalMs }),
  };
}

function isHttpUrl(input: string): boolean {
  try {
    const { protocol } = new URL(input);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** An open registry, and the probe interval its readers judge staleness by. */
export interface RegistryTarget {
  readonly registry: HealthRegistry;
  readonly probeIntervalMs: number;
  /** The registry's table and client, for what shares the table (the dedupe store). */
  readonly tableName: string;
  readonly documentClient: DynamoDBDocumentClient;
  /** Releases the client's sockets, so a CLI run ends as soon as its work is done. */
  close(): void;
}

const startCommand = (dataDir: string) =>
  dataDir === DEFAULT_DATA_DIR ? 'npm start' : `npm start -- --data-dir ${dataDir}`;

/** No usable local fleet in the data directory: none started, it exited, or it is still starting. */
export class NoLocalFleetError extends Error {
  readonly dataDir: string;
  constructor(dataDir: string, problem: string, remedy = `run "${startCommand(dataDir)}" first`) {
    super(`${problem}: ${remedy}, or pass --table NAME to use a DynamoDB table`);
    this.name = 'NoLocalFleetError';
    this.dataDir = dataDir;
  }
}

/**
 * Opens the registry a `warren nodes` command works on: a DynamoDB table from
 * `--table` (else `WARREN_REGISTRY_TABLE`) with the SDK's own region,
 * credentials and `AWS_ENDPOINT_URL_DYNAMODB`, or else the local fleet
 * described by `<data-dir>/fleet.json`, which must be running.
 *
 * @example
 * const target = await openRegistryTarget({ dataDir: '.warren' }, process.env);
 * try { console.log((await target.registry.listNodes()).nodes.length); } finally { target.close(); }
 */
export async function openRegistryTarget(
  options: RegistryTargetOptions,
  env: NodeJS.ProcessEnv,
): Promise<RegistryTarget> {
  // An explicit --data-dir asks for the local fleet even when the environment names a table.
  const tableName =
    options.table ?? (options.dataDir === undefined ? env[ENV.registryTable] : undefined);
  if (tableName === undefined) {
    if (options.endpoint !== undefined) {
      throw new Error(`--endpoint needs a table: pass --table NAME or set ${ENV.registryTable}`);
    }
    const fleet = await readLocalFleet(options.dataDir ?? DEFAULT_DATA_DIR);
    const probeIntervalMs =
      options.probeIntervalMs ??
      fleet.probeIntervalMs ??
      readConfig({ [ENV.probeIntervalMs]: env[ENV.probeIntervalMs] }).probeIntervalMs;
    return connect(fleet.tableName, fleet.endpoint, probeIntervalMs);
  }
  // The same validation and defaults as the functions; flag values were validated by the parser.
  const config = readConfig({
    [ENV.registryTable]: tableName,
    [ENV.probeIntervalMs]: options.probeIntervalMs?.toString() ?? env[ENV.probeIntervalMs],
  });
  return connect(config.registryTableName, options.endpoint, config.probeIntervalMs);
}

async function readLocalFleet(
  dataDir: string,
): Promise<{ endpoint: string; tableName: string; probeIntervalMs?: number }> {
  const state = await readFleetState(dataDir);
  if (state === undefined) {
    throw new NoLocalFleetError(dataDir, `no local fleet in ${dataDir} (no readable fleet.json)`);
  }
  if (typeof state.pid !== 'number' || !isAlive(state.pid)) {
    throw new NoLocalFleetError(
      dataDir,
      `the local fleet in ${dataDir} is not running (its warren, pid ${state.pid}, has exited)`,
    );
  }
  const { registry, probeIntervalMs } = state;
  if (typeof registry?.endpoint !== 'string' || typeof registry.tableName !== 'string') {
    throw new NoLocalFleetError(
      dataDir,
      `the local fleet in ${dataDir} is still starting (its fleet.json names no registry yet)`,
      'wait until it says "warren is ready"',
    );
  }
  return {
    endpoint: registry.endpoint,
    tableName: registry.tableName,
    ...(typeof probeIntervalMs === 'number' && probeIntervalMs > 0 && { probeIntervalMs }),
  };
}

function connect(
  tableName: string,
  endpoint: string | undefined,
  probeIntervalMs: number,
): RegistryTarget {
  const clients = createDynamoDbClients(endpoint === undefined ? {} : { endpoint });
  return {
    registry: new DynamoDbHealthRegistry({ client: clients.documentClient, tableName }),
    probeIntervalMs,
    tableName,
    documentClient: clients.documentClient,
    close: () => clients.client.destroy(),
  };
}
