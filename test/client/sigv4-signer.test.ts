import { describe, expect, it } from 'vitest';
import { createSigV4Signer } from '../../src/client/sigv4-signer.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const signer = createSigV4Signer({ credentials, now: () => new Date('2026-12-03T12:00:00Z') });
const url = new URL('https://abc123.lambda-url.eu-west-1.on.aws/v1/publish');
const request = (body: string) => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/json' },
  body,
});
const signatureOf = (headers: Record<string, string>) =>
  /Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? '')?.[1];

describe('createSigV4Signer', () => {
  it('signs for lambda in the function URL region with the date and payload hash', async () => {
    const headers = await signer(request('{"queue":"tasks"}'));

    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261203\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toBe('20261203T120000Z');
    expect(headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(headers['content-type']).toBe('application/json');
    expect(headers).not.toHaveProperty('host');
  });

  it('gives the same signature for the same request and another when the body changes', async () => {
    const first = await signer(request('{"queue":"tasks"}'));
    const again = await signer(request('{"queue":"tasks"}'));
    const changed = await signer(request('{"queue":"other"}'));

    expect(signatureOf(again)).toBe(signatureOf(first));
    expect(signatureOf(changed)).not.toBe(signatureOf(first));
    expect(changed['x-amz-content-sha256']).not.toBe(first['x-amz-content-sha256']);
  });

  it('takes the region from its option over the URL, and refuses a host without one', async () => {
    const local = new URL('http://127.0.0.1:8080/v1/publish');
    const headers = await createSigV4Signer({ credentials, region: 'us-east-2' })({
      method: 'GET',
      url: local,
      headers: {},
    });
    const previous = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      await expect(
        createSigV4Signer({ credentials })({ method: 'GET', url: local, headers: {} }),
      ).rejects.toThrow(/pass \{ region \}/);
    } finally {
      if (previous !== undefined) process.env.AWS_REGION = previous;
    }

    expect(headers.authorization).toContain('/us-east-2/lambda/aws4_request');
  });
});
