#!/usr/bin/env node
// Runs the compiled CLI with plain node: no TypeScript loader at run time. `npm ci` in a clone
// and `npm pack` build dist/ (`npm run build` rebuilds it after editing src/).
import { fileURLToPath } from 'node:url';

// The SDK warns that releases after January 2027 need Node 22; the local fleet
// only talks to its embedded registry, and the lockfile pins the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const entry = new URL('../dist/cli/main.js', import.meta.url);
let main;
try {
  ({ main } = await import(entry.href));
} catch (error) {
  // Only a clone that skipped its build lacks dist/; any other failure is the CLI's own.
  if (
    error?.code !== 'ERR_MODULE_NOT_FOUND' ||
    !String(error.message).includes(fileURLToPath(entry))
  )
    throw error;
  process.stderr.write('warren: dist/ is not built; run "npm run build" first\n');
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
