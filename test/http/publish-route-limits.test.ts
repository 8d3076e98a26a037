import { describe, expect, it } from 'vitest';
import { json, KIB, MIB, paddedTo, setup, valid } from './publish-route-fixtures.js';

describe('POST /v1/publish', () => {
  it('accepts a body of exactly the request limit and refuses one byte more', async () => {
    const { send, publisher } = setup();
    const at = (size: number) =>
      send({
        headers: { 'content-type': json, 'content-length': String(size) },
        body: paddedTo(size),
      });

    expect((await at(5 * MIB)).status).toBe(200);
    expect((await at(5 * MIB + 1)).status).toBe(413);
    expect(publisher.calls).toHaveLength(1);
  });

  it('enforces configured limits', async () => {
    const limits = { maxMessages: 1, maxMessageBytes: KIB, maxRequestBytes: 4 * KIB };
    const { post, send } = setup(undefined, { limits });

    expect((await post(valid)).status).toBe(413);
    expect((await post({ queue: 'tasks', messages: [{ body: 'x'.repeat(2 * KIB) }] })).status).toBe(
      413,
    );
    expect(
      (await send({ headers: { 'content-type': json }, body: paddedTo(4 * KIB + 1) })).status,
    ).toBe(413);
  });
});
