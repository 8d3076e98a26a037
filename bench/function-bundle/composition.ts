/** What a bundle is made of, from the metafile build of the same entry and options. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bundle } from './builds.js';

/** Packages that must never reach a function bundle: local fleet, tooling, CDK. */
const DEV_ONLY = ['dynalite', 'tsx', '@hono/node-server', 'esbuild', 'aws-cdk-lib', 'vitest'];

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

/** Checks the metafile build is byte-identical to `deployed`, then groups its inputs by package. */
export async function composition(name: string, deployed: Bundle, withMeta: Bundle) {
  const identical = (await readFile(withMeta.file)).equals(await readFile(deployed.file));
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
}

export type Composition = Awaited<ReturnType<typeof composition>>;
