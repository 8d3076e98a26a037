/**
 * Function bundles: the size and the module init time of the publish and prober
 * functions as they deploy. Each is bundled by `NodejsFunction` with
 * `FUNCTION_BUNDLING` (Node 22, arm64, local esbuild) into a temporary cloud
 * assembly, and the bundle is read from the asset directory. Two baselines are
 * measured in the same run: an empty module (Node's own start-up) and the
 * minimal raw equivalent, `bench/support/raw-function.ts` (amqplib and a DynamoDB
 * document client, constructed), bundled with the same options.
 *
 * Sizes: the bundle that loads (`index.mjs`), raw and gzipped; its source map,
 * which loads only with `--enable-source-maps`; and the asset directory zipped
 * with and without the map. `zip` uses deflate at its default level, as the CDK
 * CLI does when it uploads the asset.
 *
 * Init: fresh `node` processes import one bundle each, the cases interleaved
 * (the order rotates every run). The child gets the environment a deployed
 * function gets: `FUNCTION_ENVIRONMENT`, its `WARREN_*` variables (a secret ARN,
 * a CA certificate made by openssl, the topology), region, dummy credentials,
 * and nothing inherited. Three figures per process: the import alone; process
 * start to import done (`performance.now()`, which counts from process start);
 * and the process's wall time as seen from here, spawn to exit. One extra
 * process per bundle blocks and counts every TCP connect and DNS lookup during
 * the import and the second after it. Init must make no network call.
 *
 * Reference variants of the publish bundle, each one choice away from what
 * deploys: no `--enable-source-maps`; the AWS SDK left external
 * (NodejsFunction's default), resolved from this repo's node_modules through a
 * `node_modules` link beside the bundle, the way the runtime resolves its own
 * copy; CommonJS output. A metafile build (the same bundle, checked
 * byte-identical) lists what the bundles are made of.
 *
 *   npx tsx bench/function-bundle.ts [--runs 30]
 */
import { execFile } from 'node:child_process';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { cdkJsonContext, REPO_ROOT } from '../infra/cdk-context.js';
import { FUNCTION_BUNDLING, FUNCTION_ENVIRONMENT } from '../infra/function-bundling.js';
import { ENV } from '../src/config.js';
import { generateFleetCa } from '../src/tls/generate-fleet-ca.js';
import { defaultTopology } from '../src/topology/load-topology.js';
import { median } from './support/measure.js';

const run = promisify(execFile);
const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 30);
if (!Number.isInteger(runs) || runs < 3 || runs > 500) throw new Error('--runs: 3..500');

const REPO = fileURLToPath(REPO_ROOT);
const GOAL_BYTES = 1_000_000;
/** Packages that must never reach a function bundle: local fleet, tooling, CDK. */
const DEV_ONLY = ['dynalite', 'tsx', '@hono/node-server', 'esbuild', 'aws-cdk-lib', 'vitest'];

const p90 = (samples: number[]) =>
  [...samples].sort((a, b) => a - b)[Math.ceil(0.9 * samples.length) - 1] ?? 0;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

// --- Bundle, as `cdk synth` does ---------------------------------------------

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
type BuildName = keyof typeof builds;

interface Bundle {
  readonly directory: string;
  /** The file the runtime loads: `index.mjs` (ESM) or `index.js` (CJS). */
  readonly file: string;
  readonly bundleMs: number;
}

const work = await mkdtemp(join(tmpdir(), 'warren-bench-bundle-'));
try {
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

  // The SDK-external variant resolves @aws-sdk/* and @smithy/* from a node_modules
  // beside it; the others get none, so a bundle that is not self-contained fails.
  const external = join(work, 'sdk-external');
  await mkdir(join(external, 'node_modules'), { recursive: true });
  for (const scope of ['@aws-sdk', '@smithy'])
    await symlink(join(REPO, 'node_modules', scope), join(external, 'node_modules', scope));
  for (const file of await readdir(bundles.publishSdkExternal.directory))
    await copyFile(join(bundles.publishSdkExternal.directory, file), join(external, file));
  const externalFile = join(external, basename(bundles.publishSdkExternal.file));

  // --- Sizes ------------------------------------------------------------------

  const zipBytes = async (directory: string, files: string[], name: string) => {
    const zip = join(work, `${name}.zip`);
    await run('zip', ['-q', '-X', zip, ...files], { cwd: directory });
    return (await stat(zip)).size;
  };
  const sizeOf = async (name: BuildName) => {
    const { directory, file } = bundles[name];
    const code = await readFile(file);
    const files = (await readdir(directory)).filter((f) => !f.endsWith('.meta.json'));
    const map = files.find((f) => f.endsWith('.map'));
    return {
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      mapBytes: map ? (await stat(join(directory, map))).size : 0,
      zipBytes: await zipBytes(directory, files, name),
      zipWithoutMapBytes: await zipBytes(directory, [basename(file)], `${name}-code`),
    };
  };
  const sized: BuildName[] = ['publish', 'prober', 'raw', 'publishSdkExternal', 'publishCjs'];
  const sizes = Object.fromEntries(
    await Promise.all(sized.map(async (name) => [name, await sizeOf(name)] as const)),
  );

  // --- What the bundles are made of (metafile build) --------------------------

  interface Metafile {
    outputs: Record<
      string,
      {
        bytes: number;
        inputs: Record<string, { bytesInOutput: number }>;
        imports: { path: string; external?: boolean }[];
      }
    >;
  }
  const composition = async (name: 'publish' | 'prober') => {
    const withMeta = bundles[`${name}Metafile`];
    const identical = (await readFile(withMeta.file)).equals(await readFile(bundles[name].file));
    const meta = JSON.parse(
      await readFile(join(withMeta.directory, 'index.meta.json'), 'utf8'),
    ) as Metafile;
    const output = Object.entries(meta.outputs).find(([path]) => /index\.m?js$/.test(path))?.[1];
    if (!output) throw new Error(`${name}: no output in the metafile`);
    const inputs = Object.entries(output.inputs).map(([path, { bytesInOutput }]) => ({
      path,
      bytes: bytesInOutput,
    }));
    const groupOf = (path: string) => {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
      if (pkg === 'zod') return path.includes('/locales/') ? 'zod (locales)' : 'zod (the rest)';
      if (pkg) return pkg;
      return path.split('/').slice(0, 2).join('/');
    };
    const groups = new Map<string, number>();
    for (const { path, bytes } of inputs)
      groups.set(groupOf(path), (groups.get(groupOf(path)) ?? 0) + bytes);
    const devOnly = inputs.filter(({ path }) =>
      DEV_ONLY.some((pkg) => path.includes(`node_modules/${pkg}/`)),
    );
    const outside = output.imports
      .filter((i) => i.external && !i.path.startsWith('node:'))
      .map((i) => i.path);
    return {
      identical,
      total: output.bytes,
      topInputs: inputs.sort((a, b) => b.bytes - a.bytes).slice(0, 10),
      groups: [...groups].sort((a, b) => b[1] - a[1]),
      devOnly,
      outside: [...new Set(outside)],
    };
  };
  const made = { publish: await composition('publish'), prober: await composition('prober') };

  // --- Init time ----------------------------------------------------------------

  const runner = join(work, 'runner.mjs');
  await writeFile(
    runner,
    `// Imports one bundle, as the Lambda runtime loads a handler module, and reports on stdout.
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
`,
  );
  const empty = join(work, 'empty.mjs');
  await writeFile(empty, '');

  // The certificate a deployed function gets: made as the fleet-ca custom resource makes it.
  const caCertPem = generateFleetCa({ now: new Date() }).certificatePem;
  const lambda = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIAWARRENBENCH00000',
    AWS_SECRET_ACCESS_KEY: 'warren-bench',
    AWS_SESSION_TOKEN: 'warren-bench',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    // Node 20 here; on the Lambda runtime (Node 22) the SDK has nothing to warn about.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const shared = {
    [ENV.registryTable]: 'warren-registry',
    [ENV.probeIntervalMs]: '15000',
    [ENV.amqpSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:warren-amqp-AbCdEf',
    [ENV.amqpCaCert]: caCertPem,
  };
  const publishEnvWithoutSourceMaps = {
    ...lambda,
    ...shared,
    [ENV.topology]: JSON.stringify(defaultTopology),
    AWS_LAMBDA_FUNCTION_NAME: 'WarrenService-Publish',
  };
  const publishEnv = { ...FUNCTION_ENVIRONMENT, ...publishEnvWithoutSourceMaps };
  const proberEnv = {
    ...FUNCTION_ENVIRONMENT,
    ...lambda,
    ...shared,
    [ENV.probeRounds]: '4',
    AWS_LAMBDA_FUNCTION_NAME: 'WarrenService-Prober',
  };

  interface Case {
    readonly name: string;
    readonly file: string;
    readonly env: Record<string, string>;
  }
  const cases: Case[] = [
    {
      name: 'empty module (Node start-up)',
      file: empty,
      env: { ...FUNCTION_ENVIRONMENT, ...lambda },
    },
    {
      name: 'raw: amqplib + DynamoDB client',
      file: bundles.raw.file,
      env: { ...FUNCTION_ENVIRONMENT, ...lambda },
    },
    { name: 'publish (as deployed)', file: bundles.publish.file, env: publishEnv },
    { name: 'prober (as deployed)', file: bundles.prober.file, env: proberEnv },
    {
      name: 'publish, no --enable-source-maps',
      file: bundles.publish.file,
      env: publishEnvWithoutSourceMaps,
    },
    { name: 'publish, SDK external', file: externalFile, env: publishEnv },
    { name: 'publish, CommonJS', file: bundles.publishCjs.file, env: publishEnv },
  ];

  interface Sample {
    importMs: number;
    readyMs: number;
    wallMs: number;
    network: string[];
  }
  const spawnRunner = async (c: Case, watchMs?: number): Promise<Sample> => {
    const started = performance.now();
    const args = [runner, pathToFileURL(c.file).href, ...(watchMs ? [String(watchMs)] : [])];
    const { stdout } = await run(process.execPath, args, { env: c.env, cwd: work });
    const wallMs = performance.now() - started;
    return { ...(JSON.parse(stdout) as Omit<Sample, 'wallMs'>), wallMs };
  };

  const network = new Map<string, string[]>();
  for (const c of cases.slice(1)) network.set(c.name, (await spawnRunner(c, 1_000)).network);

  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  const loadBefore = loadavg()[0] ?? 0;
  for (let i = 0; i < runs; i++) {
    const order = cases.map((_, k) => cases[(k + i) % cases.length] as Case);
    for (const c of order) samples.get(c.name)?.push(await spawnRunner(c));
  }
  const loadAfter = loadavg()[0] ?? 0;

  // --- Report -------------------------------------------------------------------

  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}; ` +
      `runs: ${runs} per case; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
  );
  console.log(
    `bundling: ${Object.entries(bundles)
      .map(([name, b]) => `${name} ${Math.round(b.bundleMs)} ms`)
      .join(', ')}`,
  );
  console.log('\nsizes (kB = 1000 bytes)');
  console.log(
    `${'bundle'.padEnd(22)} ${'index.*js'.padStart(10)} ${'gzip'.padStart(10)} ${'map'.padStart(10)} ` +
      `${'zip'.padStart(10)} ${'zip no map'.padStart(10)}  goal < 1 MB`,
  );
  for (const [name, s] of Object.entries(sizes)) {
    console.log(
      `${name.padEnd(22)} ${kB(s.bytes).padStart(10)} ${kB(s.gzipBytes).padStart(10)} ` +
        `${kB(s.mapBytes).padStart(10)} ${kB(s.zipBytes).padStart(10)} ${kB(s.zipWithoutMapBytes).padStart(10)}  ` +
        `${s.bytes < GOAL_BYTES ? 'met' : 'NOT met'} (${s.bytes} bytes)`,
    );
  }

  for (const [name, m] of Object.entries(made)) {
    console.log(
      `\n${name}: metafile build identical to the deployed bundle: ${m.identical ? 'yes' : 'NO'}; ` +
        `imports left to the runtime: ${m.outside.length ? m.outside.join(', ') : 'node:* built-ins only'}; ` +
        `dev-only inputs: ${m.devOnly.length ? m.devOnly.map((i) => i.path).join(', ') : 'none'}`,
    );
    console.log(
      `  by package: ${m.groups
        .slice(0, 12)
        .map(([group, bytes]) => `${group} ${kB(bytes)}`)
        .join(', ')}`,
    );
    console.log('  top 10 inputs (bytes in the minified output):');
    for (const { path, bytes } of m.topInputs) console.log(`    ${kB(bytes).padStart(9)}  ${path}`);
  }

  console.log(
    '\nnetwork calls during init (import + 1 s, connects and DNS lookups blocked and counted):',
  );
  for (const [name, calls] of network)
    console.log(`  ${name.padEnd(36)} ${calls.length ? calls.join('; ') : 'none'}`);

  const stats = (name: string) => {
    const all = samples.get(name) ?? [];
    const of = (pick: (s: Sample) => number) => ({
      median: median(all.map(pick)),
      p90: p90(all.map(pick)),
    });
    return {
      import: of((s) => s.importMs),
      ready: of((s) => s.readyMs),
      wall: of((s) => s.wallMs),
    };
  };
  const emptyStats = stats(cases[0]?.name ?? '');
  const rawStats = stats(cases[1]?.name ?? '');
  console.log('\ninit time, median / p90 (ratios of medians)');
  console.log(
    `${'case'.padEnd(34)} ${'import'.padStart(18)} ${'start to ready'.padStart(18)} ${'process wall'.padStart(18)}` +
      `  ${'import / raw'.padStart(12)}  ${'ready / empty'.padStart(13)}`,
  );
  for (const c of cases) {
    const s = stats(c.name);
    const pair = (x: { median: number; p90: number }) =>
      `${x.median.toFixed(1)} / ${x.p90.toFixed(1)}`.padStart(18);
    console.log(
      `${c.name.padEnd(34)} ${pair(s.import)} ${pair(s.ready)} ${pair(s.wall)}  ` +
        `${`${(s.import.median / rawStats.import.median).toFixed(2)}x`.padStart(12)}  ` +
        `${`${(s.ready.median / emptyStats.ready.median).toFixed(2)}x`.padStart(13)}`,
    );
  }
  const publish = stats('publish (as deployed)');
  console.log(
    `\npublish import above raw: ${ms(publish.import.median - rawStats.import.median)}; ` +
      `start to ready above Node start-up: ${ms(publish.ready.median - emptyStats.ready.median)}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
