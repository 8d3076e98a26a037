import { defineConfig } from 'vitest/config';

// The SDK's notice that releases after January 2027 need Node 22 is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Three projects: `unit` (pure, no network), `integration` (*.int.test.ts: real
// brokers and dynalite, started once per run by the global setup), `infra` (CDK).
export default defineConfig({
  test: {
    // The JSON report gives CI its "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'test/infra/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          // dist/ first: CLI tests run bin/warren.js, which runs the compiled CLI.
          globalSetup: ['test/support/build-dist.ts', 'test/support/global-setup.ts'],
          // Chaos tests kill shared brokers: files run one at a time, each leaving the fleet whole.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts'],
          // Synthesis bundles functions with esbuild, in beforeAll hooks too: slow on a busy machine.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
