import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every warren function is bundled (esbuild, run locally by `NodejsFunction`):
 * one minified ES module, `index.mjs`, holding everything it imports except
 * Node's built-ins, the AWS SDK included. Each choice was measured with
 * `npm run bench:bundle` on the publish function (BENCHMARKS.md, "Function
 * bundles": 643 kB, import 91 ms on Node 20, x86):
 *
 * - **ESM, not CJS**: esbuild tree-shakes only the ES builds of the SDK and of
 *   zod; as CJS the same bundle is 864 kB (+34%) and its import 2.1–2.7x slower.
 *   `mainFields` picks each package's ES build (esbuild's Node default is `main`).
 * - **The banner** gives bundled CommonJS packages (amqplib) a `require`. Without
 *   it the import fails: `Dynamic require of "node:url" is not supported`.
 * - **The AWS SDK is bundled** (`bundleAwsSDK`), not taken from the Lambda
 *   runtime as NodejsFunction does by default. The runtime's copy is whatever
 *   version the runtime ships, usually older than the lockfile's, and it changes
 *   under a deployed function. Bundled, the function runs the versions the tests
 *   ran. Loading the SDK from node_modules instead, as the runtime loads its
 *   copy, also made the import 1.5–1.9x slower; bundling it costs 358 kB.
 * - **Minified, with a source map** beside the bundle (`index.mjs.map`, names
 *   and positions only: the sources are in git). It loads only because
 *   `FUNCTION_ENVIRONMENT` turns on `--enable-source-maps`, so that stack traces
 *   in the logs name `src/` lines. Cost: 4–18 ms per cold start, and 300 kB of
 *   the zip.
 * - **UTF-8 output**: zod's message locales are mostly non-ASCII, which the
 *   default ASCII output escapes as `\uXXXX` (69 kB more). Passed through
 *   `esbuildArgs` because this CDK release accepts `charset` but never hands it
 *   to esbuild (aws/aws-cdk#32649).
 * - **Target** unset: NodejsFunction derives it from the runtime (`node22`).
 *
 * Development-only modules (dynalite, tsx, @hono/node-server) must stay
 * unreachable from `functions/*.ts`; `test/infra/function-bundling.test.ts`
 * checks that and the size goal (< 1 MB) for the publish function.
 *
 * @example
 * new NodejsFunction(this, 'Publish', {
 *   entry: 'functions/publish.ts',
 *   runtime: Runtime.NODEJS_22_X,
 *   bundling: FUNCTION_BUNDLING,
 *   environment: { ...FUNCTION_ENVIRONMENT, [ENV.registryTable]: table.tableName },
 * });
 */
export const FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  // Aliased so it cannot collide with a bundled module's own `createRequire` import.
  banner:
    "import { createRequire as warrenCreateRequire } from 'node:module'; const require = warrenCreateRequire(import.meta.url);",
  bundleAwsSDK: true,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  esbuildArgs: { '--charset': 'utf8' },
  // esbuild's warnings still show in `cdk synth`; its per-file size summary does not.
  logLevel: LogLevel.WARNING,
};

/**
 * Environment every warren function gets on top of its own: Node applies the
 * bundle's source map to stack traces (see `FUNCTION_BUNDLING`).
 *
 * @example environment: { ...FUNCTION_ENVIRONMENT, [ENV.registryTable]: table.tableName }
 */
export const FUNCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  NODE_OPTIONS: '--enable-source-maps',
};
