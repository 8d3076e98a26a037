/** A JSON object of exactly 1 KiB once serialised, as warren serialises it. */
export const BENCH_BODY = { kind: 'bench', seq: 1, data: 'x'.repeat(1024 - 34) };
export const BENCH_PAYLOAD = Buffer.from(JSON.stringify(BENCH_BODY));
if (BENCH_PAYLOAD.length !== 1024)
  throw new Error(`payload is ${BENCH_PAYLOAD.length} bytes, not 1024`);
