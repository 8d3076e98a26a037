import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RequestSigner } from './warren-client.js';

type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface SigV4SignerOptions {
  /** Default: from the function URL's host (`<id>.lambda-url.<region>.on.aws`), else AWS_REGION. */
  readonly region?: string;
  /** Default: the AWS SDK's node provider chain (environment, profile, SSO, instance role…). */
  readonly credentials?: Credentials;
  /** Default `lambda`, as an IAM-authorised function URL expects. */
  readonly service?: string;
  /** The signing time; injected so that tests can fix it. */
  readonly now?: () => Date;
}

const FUNCTION_URL_HOST = /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/;

/**
 * Signs requests with AWS Signature V4 through the AWS SDK's own signer, for
 * a publish Lambda whose function URL uses `AuthType: AWS_IAM`. The body's
 * SHA-256 goes in `x-amz-content-sha256`, which function URLs require for POST.
 *
 * @example
 * const warren = createWarrenClient({ url: functionUrl, signer: createSigV4Signer() });
 */
export function createSigV4Signer(options: SigV4SignerOptions = {}): RequestSigner {
  const credentials = options.credentials ?? defaultProvider();
  const signers = new Map<string, SignatureV4>();
  const signerFor = (region: string) => {
    let signer = signers.get(region);
    if (!signer) {
      signer = new SignatureV4({
        service: options.service ?? 'lambda',
        region,
        credentials,
        sha256: Sha256,
      });
      signers.set(region, signer);
    }
    return signer;
  };

  return async ({ method, url, headers, body }) => {
    const region =
      options.region ?? FUNCTION_URL_HOST.exec(url.hostname)?.[1] ?? process.env.AWS_REGION;
    if (!region)
      throw new Error(`no AWS region for ${url.host}: pass { region } to createSigV4Signer`);
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    const signed = await signerFor(region).sign(
      {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port && { port: Number(url.port) }),
        path: url.pathname,
        query,
        headers: { ...headers, host: url.host },
        ...(body !== undefined && { body }),
      },
      options.now ? { signingDate: options.now() } : {},
    );
    // fetch sets Host itself and refuses a caller's.
    const { host: _host, ...rest } = signed.headers;
    return rest;
  };
}
