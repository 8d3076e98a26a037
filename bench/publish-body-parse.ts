/**
 * CPU per message of reading a publish request's body (issue 14): the old
 * path (UTF-8 decode, JSON.parse, zod, JSON.stringify of each body, then
 * Buffer.from for the broker) against the one-pass path (the bytes parsed and
 * checked at once, each body kept as the request's own bytes, zod on the
 * rest). A 100-message request to `tasks`, for two 1 KiB bodies: the
 * throughput benches' (one long string) and one of 40 short fields (where a
 * scanner in JavaScript has the most to lose against the native JSON.parse).
 * "Old" is the object path still used by the direct invoke, after the
 * decode and JSON.parse: the old HTTP path less one spread per message, which
 * this change removed from both. The paths' runs alternate, so all see the
 * same machine; medians printed, with the new path's scan alone and
 * JSON.parse alone of the same text for context.
 *
 * Usage: npx tsx bench/publish-body-parse.ts [--runs 11] [--requests 2000]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { readPublishDocument } from '../src/service/publish-document.js';
import { DEFAULT_PUBLISH_LIMITS } from '../src/service/publish-limits.js';
import { parsePublishRequest, parsePublishRequestBytes } from '../src/service/publish-request.js';
import { integerFlag } from './support/integer-flag.js';
import { median } from './support/measure.js';
import { BENCH_BODY } from './support/payload.js';

const MESSAGES = 100;

const { values } = parseArgs({
  options: { runs: { type: 'string' }, requests: { type: 'string' } },
});
const runs = integerFlag(values, 'runs', 11, 1, 1_000);
const requests = integerFlag(values, 'requests', 2_000, 1, 1_000_000);

const shapes = {
  'one long string': BENCH_BODY,
  '40 short fields': Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [`field${String(i).padStart(2, '0')}`, `v${i}-abcdefgh`]),
  ),
};

/** Each way of reading one request's bytes. */
function pathsFor(bytes: Buffer): Record<string, () => unknown> {
  const text = bytes.toString('utf8');
  return {
    old: () =>
      parsePublishRequest(
        JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)),
        DEFAULT_PUBLISH_LIMITS,
      ),
    new: () => parsePublishRequestBytes(bytes, DEFAULT_PUBLISH_LIMITS),
    'scan alone': () => readPublishDocument(bytes),
    'JSON.parse alone': () => JSON.parse(text),
  };
}

/**
 * CPU µs per message over `requests` requests: this process's user + system
 * time, which a busy machine's other processes do not inflate as they do the
 * wall clock (the garbage collector's helper threads count, as they should).
 */
function timed(read: () => unknown): number {
  const start = process.cpuUsage();
  for (let i = 0; i < requests; i++) read();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / (requests * MESSAGES);
}

const figures = (times: number[]) => times.map((time) => time.toFixed(2)).join(' ');

console.log(
  `${MESSAGES} messages a request, ${requests} requests a run, ${runs} runs; ` +
    `CPU µs per message; load average ${loadavg()[0]?.toFixed(2)}`,
);
for (const [name, body] of Object.entries(shapes)) {
  const bytes = Buffer.from(
    JSON.stringify({
      queue: 'tasks',
      messages: Array.from({ length: MESSAGES }, (_, i) => ({ id: `m-${i}`, body })),
    }),
  );
  const paths = pathsFor(bytes);
  // Warm-up: every path optimised before anything counts.
  for (const read of Object.values(paths)) timed(read);
  const samples = Object.fromEntries(Object.keys(paths).map((path) => [path, [] as number[]]));
  for (let run = 0; run < runs; run++) {
    for (const [path, read] of Object.entries(paths)) samples[path]?.push(timed(read));
  }
  const old = median(samples.old ?? []);
  const now = median(samples.new ?? []);
  const size = Buffer.byteLength(JSON.stringify(body));
  console.log(
    `${name} (${size} B body): old ${old.toFixed(2)}, new ${now.toFixed(2)} (${(old / now).toFixed(2)}x)`,
  );
  for (const [path, times] of Object.entries(samples)) {
    console.log(`  ${path}: median ${median(times).toFixed(2)}; runs ${figures(times)}`);
  }
}
