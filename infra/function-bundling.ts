import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every warren function is bundled (esbuild, run locally by `NodejsFunction`):
 * one minified ES module, `index.mjs`, with everything it imports except Node's
 * built-ins, the AWS SDK included. Choices were measured with
 * `npm run bench:bundle` (figures in BENCHMARKS.md, "Function bundles"; publish
 * function, Node 20 on x86):
 *
 * - **ESM, not CJS**: esbuild can tree-shake only the ES builds of the SDK and of
 *   zod, so the same minified publish bundle is about 1.2 MB as CJS against
 *   about 0.93 MB as ESM, and its import about 2.5x slower.
 *   `mainFields` prefers each package's ES build (esbuild's default for Node
 *   prefers `main`, usually CJS).
 * - **The banner** gives the bundled CommonJS packages (amqplib) a `require`:
 *   without it, an ES module fails at import with `Dynamic require of "node:url"
 *   is not supported`.
 * - **The AWS SDK is bundled** (`bundleAwsSDK`), not left to the copy in the
 *   Lambda runtime, which is NodejsFunction's default. The runtime's SDK loads
 *   from hundreds of files and its version is whatever the runtime ships (it lags
 *   the lockfile and changes under a deployed function). Bundled, the deployed
 *   code is exactly the lockfile's versions that the tests ran. It is also faster:
 *   the import took about half the time with the SDK bundled. The cost is about
 *   0.35 MB of bundle.
 * - **Minified**, with a source map beside the bundle (`index.mjs.map`, not
 *   loaded unless enabled) holding names and positions only (`sourcesContent`
 *   off: the sources are in git). `FUNCTION_ENVIRONMENT` enables it, so stack
 *   traces in the logs point at `src/…` lines. That costs about 10 ms per cold
 *   start.
 * - **UTF-8 output**: zod's error-message locales are mostly non-ASCII, which
 *   esbuild's default ASCII output escapes as `\uXXXX`. Set through `esbuildArgs`
 *   because this CDK release accepts `charset` but never passes it on
 *   (aws/aws-cdk#32649).
 * - **Target**: unset, so NodejsFunction derives it from the runtime (`node22`
 *   for `Runtime.NODEJS_22_X`).
 *
 * Development-only modules (dynalite, tsx, @hono/node-server) must not be
 * reachable from `functions/*.ts`. `test/infra/function-bundling.test.ts` checks
 * this for the publish function, together with its size (< 1 MB).
 *
 * @example
 * new NodejsFunction(this, 'Publish', {
 *   entry: 'functions/publish.ts',
 *   runtime: Runtime.NODEJS_22_X,
 *   bundling: FUNCTION_BUNDLING,
 *   environment: { ...FUNCTION_ENVIRONMENT, WARREN_REGISTRY_TABLE: table.tableName },
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
