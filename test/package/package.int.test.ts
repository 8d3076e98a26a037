import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_PROBE_OPTIONS, probeBroker } from '../../src/prober/probe-broker.js';
import { runProbeRound } from '../../src/prober/probe-round.js';
import { withChannel } from '../support/amqp.js';
import { brokerUrls } from '../support/publishing.js';
import { freshFleetRegistry } from '../support/registry.js';

const run = promisify(execFile);
const repoRoot = join(import.meta.dirname, '../..');
const fixture = join(import.meta.dirname, 'fixture');
/** What `npm pack` reads: the package's own files and what its build compiles from. */
const PACKED_FROM = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'BENCHMARKS.md',
  'CONTRIBUTING.md',
  'LICENSE',
  'bin',
  'docs',
  'src',
  'types',
];
const BUILT_WITH = ['tsconfig.json', 'tsconfig.build.json'];

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly entryCount: number;
  readonly files: readonly { readonly path: string }[];
}

let dir = '';
let packed: PackResult;
let app = '';

/**
 * Packs the package as `npm pack` (its prepack build included) from a copy of
 * this tree, so the run neither reads nor rewrites the dist/ other tests use,
 * and installs the tarball into a fresh project, as a user would, with no tsx.
 */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warren-package-'));
  const stage = join(dir, 'stage');
  await mkdir(stage);
  for (const entry of [...PACKED_FROM, ...BUILT_WITH])
    await cp(join(repoRoot, entry), join(stage, entry), { recursive: true });
  // The build's compiler only; nothing of it can reach the tarball (`files` lists what does).
  await symlink(join(repoRoot, 'node_modules'), join(stage, 'node_modules'), 'dir');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: stage,
    maxBuffer: 16 * 1024 * 1024,
  });
  // Lifecycle scripts print to the same stdout; the report is the JSON array after them.
  const [report] = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as PackResult[];
  if (!report) throw new Error(`npm pack reported nothing:\n${stdout}`);
  packed = report;
  console.log(`[package] ${packed.filename}: ${packed.size} bytes, ${packed.entryCount} files`);

  app = join(dir, 'app');
  await mkdir(app);
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'warren-user', private: true, type: 'module' }),
  );
  // --prefer-offline: what this repository's install already fetched comes from npm's cache.
  await run(
    'npm',
    [
      'install',
      join(dir, packed.filename),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: app },
  );
  for (const name of ['publish-one.mjs', 'record-loads.mjs', 'register-record-loads.mjs'])
    await copyFile(join(fixture, name), join(app, name));
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the compiled library, its declarations, the bin and the licence, and no test, bench or TypeScript source', () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'bin/warren.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cli/main.js',
        'dist/topology/default-topology.json',
      ]),
    );
    expect(paths.filter((path) => /^(test|bench|src|functions|infra)\//.test(path))).toEqual([]);
    expect(paths.filter((path) => /\.test\.|\.bench\./.test(path))).toEqual([]);
    expect(paths.filter((path) => /\.[cm]?ts$/.test(path) && !/\.d\.[cm]?ts$/.test(path))).toEqual(
      [],
    );
  });

  it('ships every file the README links to, so its links work inside the tarball', async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((match) => match[1] ?? '')
      .filter((target) => !/^[a-z]+:/.test(target));
    expect(linked).toContain('docs/http-api.md');
    const paths = packed.files.map((file) => file.path);
    // The examples run from a clone (they import ../../src), so they stay out of the tarball.
    const missing = linked.filter(
      (target) =>
        target !== 'examples/' &&
        !paths.some((path) => path === target || path.startsWith(`${target}/`)),
    );
    expect(missing).toEqual([]);
  });

  it('declares tsx only for development', async () => {
    const manifest = JSON.parse(
      await readFile(join(app, 'node_modules/warren/package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
  });

  it('runs the warren bin with plain node, without tsx installed', async () => {
    const help = await run(join(app, 'node_modules/.bin/warren'), ['--help'], { cwd: app });
    expect(help.stdout).toContain('Usage: warren <command>');
    const version = await run(join(app, 'node_modules/.bin/warren'), ['--version'], { cwd: app });
    expect(version.stdout.trim()).toBe(
      (JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
        .version,
    );
  });

  it('type-checks a program that imports the contract types from warren', async () => {
    await writeFile(
      join(app, 'uses-types.ts'),
      [
        "import { createPublisher, type MessageResult, type Publisher, RegistryUnavailableError } from 'warren';",
        'export type Assemble = typeof createPublisher;',
        "export const nodeOf = (r: MessageResult) => (r.status === 'accepted' ? r.node : r.code);",
        "export const send = (p: Publisher) => p.publish({ kind: 'queue', queue: 'tasks' }, [{ body: 1 }]);",
        'export const down = (e: unknown) => e instanceof RegistryUnavailableError;',
        // A wrong field must fail, or this check could pass with `any` types.
        '// @ts-expect-error a queue destination has no routingKey',
        "export const wrong: Parameters<Publisher['publish']>[0] = { kind: 'queue', routingKey: 'x' };",
      ].join('\n'),
    );
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--skipLibCheck'];
    await expect(
      run(
        process.execPath,
        [
          tsc,
          ...flags,
          '--types',
          'node',
          '--typeRoots',
          join(repoRoot, 'node_modules/@types'),
          'uses-types.ts',
        ],
        {
          cwd: app,
        },
      ),
    ).resolves.toBeDefined();
  });

  describe('imported with plain node from a fresh project', () => {
    let env: NodeJS.ProcessEnv;
    const queue = `warren.package-test.${randomUUID()}`;

    beforeAll(async () => {
      // The harness brokers, probed once so they are healthy, on a registry of their own.
      const { registry, tableName } = await freshFleetRegistry();
      const credentials = { username: 'guest', password: 'guest' };
      await runProbeRound({
        registry,
        probe: (target) => probeBroker(target, { ...DEFAULT_PROBE_OPTIONS, credentials }),
        refreshAfterMs: 0,
      });
      for (const { url } of brokerUrls())
        await withChannel(url, (channel) => channel.assertQueue(queue, { durable: true }));
      env = {
        ...process.env,
        WARREN_REGISTRY_ENDPOINT: inject('fleet').registry.endpoint,
        WARREN_REGISTRY_TABLE: tableName,
        WARREN_QUEUE: queue,
      };
    });

    afterAll(async () => {
      for (const { url } of brokerUrls())
        await withChannel(url, (channel) => channel.deleteQueue(queue)).catch(() => undefined);
    });

    /** Runs publish-one.mjs under the recording hooks; answers its output and every module it loaded. */
    const publishOne = async (extraEnv: NodeJS.ProcessEnv = {}) => {
      const loadsFile = join(app, `loads-${randomUUID()}.txt`);
      await writeFile(loadsFile, '');
      const { stdout } = await run(
        process.execPath,
        ['--import', './register-record-loads.mjs', 'publish-one.mjs'],
        { cwd: app, env: { ...env, ...extraEnv, WARREN_LOADS_FILE: loadsFile }, timeout: 30_000 },
      );
      const output = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
        results: { id: string; status: string; node?: string }[];
        commonJs: string[];
      };
      const esm = (await readFile(loadsFile, 'utf8')).split('\n').filter(Boolean);
      return { results: output.results, loaded: [...esm, ...output.commonJs] };
    };
    const devOnly = (loaded: readonly string[]) =>
      loaded.filter((entry) => /[/\\]node_modules[/\\](dynalite|tsx)[/\\]/.test(entry));

    it('publishes a message that a broker of the fleet accepts, loading neither tsx nor dynalite', async () => {
      const { results, loaded } = await publishOne();

      expect(results).toEqual([
        {
          id: 'package-test-1',
          status: 'accepted',
          node: expect.any(String),
          nodes: [results[0]?.node],
        },
      ]);
      const broker = brokerUrls().find(({ id }) => id === results[0]?.node);
      expect(broker).toBeDefined();
      const depth = await withChannel(
        broker?.url ?? '',
        async (channel) => (await channel.checkQueue(queue)).messageCount,
      );
      expect(depth).toBe(1);
      // The records are real: the package's entry (ESM) and amqplib (CommonJS) are in them.
      expect(loaded.some((entry) => entry.endsWith('/node_modules/warren/dist/index.js'))).toBe(
        true,
      );
      expect(loaded.some((entry) => /[/\\]node_modules[/\\]amqplib[/\\]/.test(entry))).toBe(true);
      expect(devOnly(loaded)).toEqual([]);
    });

    it('would report dynalite had the program loaded it', async () => {
      const { loaded } = await publishOne({ WARREN_ALSO_IMPORT: 'dynalite' });
      expect(devOnly(loaded).length).toBeGreaterThan(0);
    });
  });
});
