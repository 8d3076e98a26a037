/** A bundle's sizes: the loaded file raw and gzipped, its source map, and the asset directory zipped with and without the map. */
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Bundle } from './builds.js';

const run = promisify(execFile);

export interface Sizes {
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  readonly zipBytes: number;
  readonly zipWithoutMapBytes: number;
}

/** `zip` deflates at its default level, as the CDK CLI does when it uploads the asset; the zips go in `work`. */
export async function sizeOf(work: string, name: string, bundle: Bundle): Promise<Sizes> {
  const zipBytes = async (directory: string, files: string[], zipName: string) => {
    const zip = join(work, `${zipName}.zip`);
    await run('zip', ['-q', '-X', zip, ...files], { cwd: directory });
    return (await stat(zip)).size;
  };
  const { directory, file } = bundle;
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
}
