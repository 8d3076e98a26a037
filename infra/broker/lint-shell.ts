/**
 * `npm run lint:shell`: shellcheck over the broker's bash as EC2 runs it, the
 * rendered boot script (user data) and every script it installs, with sample
 * values in place of the stack's. Needs shellcheck on PATH (Debian and Ubuntu:
 * `apt-get install shellcheck`); `npm test` does not, it only checks the syntax
 * with `bash -n`.
 *
 *   npx tsx infra/broker/lint-shell.ts
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brokerShellScripts, SAMPLE_BOOT_OPTIONS } from './broker-shell-scripts.js';

const run = promisify(execFile);

async function main(): Promise<number> {
  try {
    await run('shellcheck', ['--version']);
  } catch {
    console.error(
      'lint:shell: shellcheck is not installed; install it (Debian/Ubuntu: sudo apt-get install shellcheck) and run again',
    );
    return 1;
  }
  const dir = await mkdtemp(join(tmpdir(), 'warren-lint-shell-'));
  let failures = 0;
  try {
    for (const script of brokerShellScripts(SAMPLE_BOOT_OPTIONS)) {
      const file = join(dir, script.name);
      await writeFile(file, script.text);
      try {
        await run('shellcheck', ['--shell=bash', file]);
        console.log(`lint:shell: ${script.name}: clean`);
      } catch (error) {
        failures++;
        const { stdout, message } = error as { stdout?: string; message: string };
        console.error(`lint:shell: ${script.name}:\n${stdout || message}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
