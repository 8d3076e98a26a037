/** Prints the bundle bench's figures: machine, bundling times, sizes, composition, network calls and init time. */
import { cpus } from 'node:os';
import { median } from '../support/measure.js';
import { percentile } from '../support/samples.js';
import type { BuildName, Bundle } from './builds.js';
import type { Composition } from './composition.js';
import type { Case, Sample } from './init-runner.js';
import type { Sizes } from './sizes.js';

const GOAL_BYTES = 1_000_000;

const ms = (value: number) => `${value.toFixed(1)} ms`;
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

export interface BundleFigures {
  readonly runs: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly bundles: Record<BuildName, Bundle>;
  readonly sizes: Record<string, Sizes>;
  readonly made: Record<string, Composition>;
  /** Network calls during each case's init, by case name. */
  readonly network: Map<string, string[]>;
  /** The empty module first, then the raw baseline. */
  readonly cases: readonly Case[];
  readonly samples: Map<string, Sample[]>;
}

export function printBundleReport(figures: BundleFigures): void {
  const { runs, bundles, sizes, made, network, cases, samples } = figures;
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}; ` +
      `runs: ${runs} per case; load average ${figures.loadBefore.toFixed(2)} before, ${figures.loadAfter.toFixed(2)} after`,
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
      p90: percentile(all.map(pick), 0.9),
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
}
