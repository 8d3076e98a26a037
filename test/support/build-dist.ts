import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = join(import.meta.dirname, '../..');
/** What dist/ is compiled from: a change to any of them makes it stale. */
const INPUTS = ['src', 'types', 'tsconfig.json', 'tsconfig.build.json'];
const MARKER = join(repoRoot, 'dist/cli/main.js');

/**
 * Global setup of the integration project: compiles dist/ when it is missing or
 * older than its sources, since CLI tests run `bin/warren.js`, which runs the
 * compiled CLI. `npm ci` builds it already (`prepare`); this covers the edit →
 * `npm test` loop, where tests would otherwise run yesterday's CLI, and costs a
 * few milliseconds of `stat` when nothing changed. It compiles in place without
 * cleaning dist/ first (unlike `npm run build`), so a CLI another run started
 * from this tree keeps its files, and type errors only warn: `npm run typecheck`
 * is where they fail, as they did when the CLI ran through tsx.
 */
export default async function buildDist(): Promise<void> {
  const builtAtMs = statSync(MARKER, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (INPUTS.every((input) => newestChangeMs(join(repoRoot, input)) <= builtAtMs)) return;
  const startedAtMs = Date.now();
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  const compiled = await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
  }).catch((error: { stdout?: string }) => ({ failed: error.stdout ?? String(error) }));
  if ('failed' in compiled) {
    if (statSync(MARKER, { throwIfNoEntry: false }) === undefined)
      throw new Error(`tsc -p tsconfig.build.json emitted no CLI:\n${compiled.failed}`);
    console.warn(`[build] tsc reported errors; dist/ emitted anyway:\n${compiled.failed}`);
  }
  console.log(`[build] dist/ compiled in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s`);
}

function newestChangeMs(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return stat?.mtimeMs ?? 0;
  // A directory's own mtime changes when a file in it is deleted or renamed.
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path, { recursive: true, encoding: 'utf8' })) {
    newest = Math.max(newest, statSync(join(path, entry), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  }
  return newest;
}
