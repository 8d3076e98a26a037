/** Timing a bundle's init: a fresh `node` process imports it, as the Lambda runtime loads a handler module. */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const RUNNER_SOURCE = `// Imports one bundle, as the Lambda runtime loads a handler module, and reports on stdout.
const [bundle, watchMs] = process.argv.slice(2);
const network = [];
if (watchMs) {
  const { default: net } = await import('node:net');
  const { default: dns } = await import('node:dns');
  const { syncBuiltinESMExports } = await import('node:module');
  net.Socket.prototype.connect = function (...args) {
    network.push('connect ' + JSON.stringify(args[0]));
    this.destroy();
    return this;
  };
  dns.lookup = (host, ...rest) => {
    network.push('lookup ' + host);
    process.nextTick(rest.at(-1), new Error('blocked by the bench'));
  };
  dns.promises.lookup = async (host) => {
    network.push('lookup ' + host);
    throw new Error('blocked by the bench');
  };
  syncBuiltinESMExports();
}
const started = performance.now();
const module = await import(bundle);
const done = performance.now();
if (typeof module.handler !== 'function' && !bundle.endsWith('empty.mjs')) throw new Error('no handler');
if (watchMs) await new Promise((resolve) => setTimeout(resolve, Number(watchMs)));
process.stdout.write(JSON.stringify({ importMs: done - started, readyMs: done, network }));
process.exit(0);
`;

/** One bundle to import, and the environment its process gets (nothing inherited). */
export interface Case {
  readonly name: string;
  readonly file: string;
  readonly env: Record<string, string>;
}

export interface Sample {
  importMs: number;
  readyMs: number;
  wallMs: number;
  network: string[];
}

/** Writes the runner and an empty module (the Node start-up baseline) into `work`. */
export async function writeRunner(work: string): Promise<{ runner: string; empty: string }> {
  const runner = join(work, 'runner.mjs');
  await writeFile(runner, RUNNER_SOURCE);
  const empty = join(work, 'empty.mjs');
  await writeFile(empty, '');
  return { runner, empty };
}

/**
 * Imports `c.file` in a fresh process; with `watchMs`, blocks and counts every TCP
 * connect and DNS lookup during the import and for `watchMs` after it.
 */
export async function spawnRunner(
  runner: string,
  work: string,
  c: Case,
  watchMs?: number,
): Promise<Sample> {
  const started = performance.now();
  const args = [runner, pathToFileURL(c.file).href, ...(watchMs ? [String(watchMs)] : [])];
  const { stdout } = await run(process.execPath, args, { env: c.env, cwd: work });
  const wallMs = performance.now() - started;
  return { ...(JSON.parse(stdout) as Omit<Sample, 'wallMs'>), wallMs };
}
