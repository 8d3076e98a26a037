import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdkJsonContext, REPO_ROOT } from '../../infra/cdk-context.js';
import { FUNCTION_BUNDLING, FUNCTION_ENVIRONMENT } from '../../infra/function-bundling.js';
import { ENV } from '../../src/config.js';

const run = promisify(execFile);

/** The goal for the publish function's bundle. */
const ONE_MB = 1_000_000;
/** Local fleet, tooling and CDK: a function bundle must never contain them. */
const DEV_ONLY = ['dynalite', 'tsx', '@hono/node-server', 'esbuild', 'aws-cdk-lib', 'vitest'];

interface Metafile {
  outputs: Record<
    string,
    { inputs: Record<string, unknown>; imports: { path: string; external?: boolean }[] }
  >;
}

// Bundles functions/publish.ts as the service stack does (local esbuild, no Docker),
// twice in one synth: exactly with FUNCTION_BUNDLING, and with a metafile on top,
// which lists the bundle's inputs and imports (and must not change the bundle).
describe('FUNCTION_BUNDLING, for the publish function', () => {
  let outdir: string;
  let deployed: string;
  let withMetafile: string;
  let metafile: Metafile['outputs'][string];

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'warren-bundle-'));
    const app = new App({ outdir, context: cdkJsonContext() });
    const stack = new Stack(app, 'FunctionBundles');
    const assetPath = (id: string, bundling: BundlingOptions) => {
      const fn = new NodejsFunction(stack, id, {
        entry: fileURLToPath(new URL('functions/publish.ts', REPO_ROOT)),
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        bundling,
        environment: { ...FUNCTION_ENVIRONMENT },
      });
      const code = fn.node.findChild('Code');
      if (!(code instanceof Asset)) throw new Error(`${id} has no asset code`);
      return code.assetPath;
    };
    const deployedPath = assetPath('Publish', FUNCTION_BUNDLING);
    const metafilePath = assetPath('PublishWithMetafile', { ...FUNCTION_BUNDLING, metafile: true });
    const assembly = app.synth();
    deployed = join(assembly.directory, deployedPath);
    withMetafile = join(assembly.directory, metafilePath);
    const meta = JSON.parse(
      await readFile(join(withMetafile, 'index.meta.json'), 'utf8'),
    ) as Metafile;
    const output = Object.entries(meta.outputs).find(([path]) => path.endsWith('index.mjs'));
    if (!output) throw new Error('the metafile lists no index.mjs');
    metafile = output[1];
  });

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('writes one ES module, index.mjs, with its source map beside it', async () => {
    expect((await readdir(deployed)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
  });

  it('keeps the bundle under 1 MB', async () => {
    expect((await stat(join(deployed, 'index.mjs'))).size).toBeLessThan(ONE_MB);
  });

  // Without FUNCTION_BUNDLING's banner this fails: amqplib's require('node:url') throws at import.
  it('loads as an ES module in a fresh node process and exports the handler', async () => {
    const probe = join(outdir, 'load-bundle.mjs');
    await writeFile(
      probe,
      'const { handler } = await import(process.argv[2]);\nprocess.stdout.write(typeof handler);\n',
    );
    const { stdout } = await run(
      process.execPath,
      [probe, pathToFileURL(join(deployed, 'index.mjs')).href],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          [ENV.registryTable]: 'warren-registry',
          [ENV.amqpSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:warren-AbCdEf',
          ...FUNCTION_ENVIRONMENT,
        },
      },
    );
    expect(stdout).toBe('function');
  });

  it('bundles every dependency, the AWS SDK included: only node: built-ins are imported at run time', () => {
    const external = metafile.imports.filter((i) => i.external).map((i) => i.path);
    expect(external.length).toBeGreaterThan(0);
    expect(external.filter((path) => !path.startsWith('node:'))).toEqual([]);
  });

  it('leaves development-only modules out', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((path) => path.includes('node_modules/amqplib/'))).toBe(true);
    const devOnly = inputs.filter((path) =>
      DEV_ONLY.some((pkg) => path.includes(`node_modules/${pkg}/`)),
    );
    expect(devOnly).toEqual([]);
  });

  it('ships a source map of names and positions only, without the sources', async () => {
    const map = JSON.parse(await readFile(join(deployed, 'index.mjs.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(map.sources.some((source) => source.endsWith('functions/publish.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
    expect(FUNCTION_ENVIRONMENT.NODE_OPTIONS).toContain('--enable-source-maps');
  });

  it('bundles the same code when a metafile is added, so the checks above hold for what deploys', async () => {
    const [code, codeWithMetafile] = await Promise.all([
      readFile(join(deployed, 'index.mjs')),
      readFile(join(withMetafile, 'index.mjs')),
    ]);
    expect(codeWithMetafile.equals(code)).toBe(true);
  });
});
