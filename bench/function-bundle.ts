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
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildName, bundleAll, REPO } from './function-bundle/builds.js';
import { composition } from './function-bundle/composition.js';
import { initCases } from './function-bundle/init-cases.js';
import { type Sample, spawnRunner, writeRunner } from './function-bundle/init-runner.js';
import { printBundleReport } from './function-bundle/report.js';
import { sizeOf } from './function-bundle/sizes.js';
import { rotated } from './support/samples.js';

const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 30);
if (!Number.isInteger(runs) || runs < 3 || runs > 500) throw new Error('--runs: 3..500');

const work = await mkdtemp(join(tmpdir(), 'warren-bench-bundle-'));
try {
  const bundles = await bundleAll(work);

  // The SDK-external variant resolves @aws-sdk/* and @smithy/* from a node_modules
  // beside it; the others get none, so a bundle that is not self-contained fails.
  const external = join(work, 'sdk-external');
  await mkdir(join(external, 'node_modules'), { recursive: true });
  for (const scope of ['@aws-sdk', '@smithy'])
    await symlink(join(REPO, 'node_modules', scope), join(external, 'node_modules', scope));
  for (const file of await readdir(bundles.publishSdkExternal.directory))
    await copyFile(join(bundles.publishSdkExternal.directory, file), join(external, file));
  const externalFile = join(external, basename(bundles.publishSdkExternal.file));

  const sized: BuildName[] = ['publish', 'prober', 'raw', 'publishSdkExternal', 'publishCjs'];
  const sizes = Object.fromEntries(
    await Promise.all(
      sized.map(async (name) => [name, await sizeOf(work, name, bundles[name])] as const),
    ),
  );
  const made = {
    publish: await composition('publish', bundles.publish, bundles.publishMetafile),
    prober: await composition('prober', bundles.prober, bundles.proberMetafile),
  };

  const { runner, empty } = await writeRunner(work);
  const cases = initCases(bundles, empty, externalFile);
  const network = new Map<string, string[]>();
  for (const c of cases.slice(1))
    network.set(c.name, (await spawnRunner(runner, work, c, 1_000)).network);

  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  const loadBefore = loadavg()[0] ?? 0;
  for (let i = 0; i < runs; i++) {
    for (const c of rotated(cases, i))
      samples.get(c.name)?.push(await spawnRunner(runner, work, c));
  }
  const loadAfter = loadavg()[0] ?? 0;

  printBundleReport({ runs, loadBefore, loadAfter, bundles, sizes, made, network, cases, samples });
} finally {
  await rm(work, { recursive: true, force: true });
}
