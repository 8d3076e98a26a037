import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeRoutingSnapshot } from '../../src/core/decode-routing-snapshot.js';
import { ROUTING_SNAPSHOT_FORMAT, toColumns } from '../../src/core/routing-snapshot.js';
import { healthy, WRITTEN_AT } from './routing-snapshot-fixtures.js';

/** Valid columns of one broker, for the malformed variants below. */
function columns(): Record<string, unknown> {
  return {
    ...toColumns({ sequence: 5, writtenAt: WRITTEN_AT, nodes: [healthy('b1', 'us-east-1a')] }),
  };
}
const compressed = (value: unknown) =>
  brotliCompressSync(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

describe('decodeRoutingSnapshot refuses what it cannot trust', () => {
  it('accepts the unaltered columns the variants start from', () => {
    expect(decodeRoutingSnapshot(compressed(columns())).ok).toBe(true);
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['bytes that are not brotli', Buffer.from('{"f":"warren-fleet/1"}'), /not brotli/],
    ['brotli that is not JSON', compressed('not json'), /not JSON/],
    ['JSON that is not an object', compressed([1, 2]), /not an object/],
    ['another format', compressed({ ...columns(), f: 'warren-fleet/2' }), /warren-fleet\/2/],
    ['no format', compressed({ ...columns(), f: undefined }), new RegExp(ROUTING_SNAPSHOT_FORMAT)],
    ['a sequence of 0', compressed({ ...columns(), q: 0 }), /sequence/],
    ['a fractional sequence', compressed({ ...columns(), q: 1.5 }), /sequence/],
    ['no written-at time', compressed({ ...columns(), t: 'now' }), /written at/],
    ['a column short of a broker', compressed({ ...columns(), ep: [] }), /ep has 0 entries for 1/],
    ['a state string short', compressed({ ...columns(), h: '' }), /h has 0 entries/],
    ['an unknown admin state', compressed({ ...columns(), a: 'x' }), /a\[0\] is no admin state/],
    ['an unknown health state', compressed({ ...columns(), h: 'x' }), /h\[0\] is no health/],
    ['a zone index out of range', compressed({ ...columns(), az: [3] }), /az\[0\] names no zone/],
    ['an empty id', compressed({ ...columns(), id: [''] }), /id must be a list of non-empty/],
    [
      'a broker listed twice',
      compressed({
        ...toColumns({
          sequence: 5,
          writtenAt: WRITTEN_AT,
          nodes: [healthy('b1'), healthy('b1')],
        }),
      }),
      /twice/,
    ],
    ['a time that is text', compressed({ ...columns(), p: ['5000'] }), /p must be a list/],
    [
      'a broker with neither a probe nor a registration time',
      compressed({ ...columns(), p: [null], r: [null] }),
      /neither/,
    ],
    ['a negative latency', compressed({ ...columns(), l: [-1] }), /l\[0\] is negative/],
    [
      'bytes that inflate past the cap (a decompression bomb)',
      brotliCompressSync(Buffer.alloc(5 * 1024 * 1024, 0x20)),
      /not brotli|exceed|buffer/i,
    ],
  ])('rejects %s, with a reason', (_name, bytes, reason) => {
    const result = decodeRoutingSnapshot(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
