/** The bundles to measure, built by `NodejsFunction` into a temporary cloud assembly, as `cdk synth` builds them. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { cdkJsonContext, REPO_ROOT } from '../../infra/cdk-context.js';
import { FUNCTION_BUNDLING, FUNCTION_ENVIRONMENT } from '../../infra/function-bundling.js';

export const REPO = fileURLToPath(REPO_ROOT);

// CommonJS needs neither the ESM banner nor ES builds of the packages.
const { banner: _banner, mainFields: _mainFields, ...commonJs } = FUNCTION_BUNDLING;
const builds = {
  publish: { entry: 'functions/publish.ts', bundling: FUNCTION_BUNDLING },
  prober: { entry: 'functions/prober.ts', bundling: FUNCTION_BUNDLING },
  raw: { entry: 'bench/support/raw-function.ts', bundling: FUNCTION_BUNDLING },
  publishMetafile: {
    entry: 'functions/publish.ts',
    bundling: { ...FUNCTION_BUNDLING, metafile: true },
  },
  proberMetafile: {
    entry: 'functions/prober.ts',
    bundling: { ...FUNCTION_BUNDLING, metafile: true },
  },
  publishSdkExternal: {
    entry: 'functions/publish.ts',
    bundling: { ...FUNCTION_BUNDLING, bundleAwsSDK: false },
  },
  publishCjs: {
    entry: 'functions/publish.ts',
    bundling: { ...commonJs, format: OutputFormat.CJS },
  },
} satisfies Record<string, { entry: string; bundling: BundlingOptions }>;
export type BuildName = keyof typeof builds;

export interface Bundle {
  readonly directory: string;
  /** The file the runtime loads: `index.mjs` (ESM) or `index.js` (CJS). */
  readonly file: string;
  readonly bundleMs: number;
}

/** Bundles every build (Node 22, arm64) into `<work>/cdk.out`, timing each, and synthesizes the assembly. */
export async function bundleAll(work: string): Promise<Record<BuildName, Bundle>> {
  const outdir = join(work, 'cdk.out');
  const app = new App({ outdir, context: cdkJsonContext() });
  const stack = new Stack(app, 'WarrenFunctionBundles');
  const bundles = {} as Record<BuildName, Bundle>;
  for (const [name, { entry, bundling }] of Object.entries(builds) as [
    BuildName,
    (typeof builds)[BuildName],
  ][]) {
    const started = performance.now();
    const fn = new NodejsFunction(stack, name, {
      entry: join(REPO, entry),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      bundling,
      environment: { ...FUNCTION_ENVIRONMENT },
    });
    const bundleMs = performance.now() - started;
    const code = fn.node.findChild('Code');
    if (!(code instanceof Asset)) throw new Error(`${name}: no asset`);
    const directory = join(outdir, code.assetPath);
    const files = await readdir(directory);
    const file = files.find((f) => f === 'index.mjs' || f === 'index.js');
    if (!file) throw new Error(`${name}: no index.mjs or index.js in ${files.join(', ')}`);
    bundles[name] = { directory, file: join(directory, file), bundleMs };
  }
  app.synth();
  return bundles;
}
