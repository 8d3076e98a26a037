import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslCsr {
  readonly csrPem: string;
  readonly keyPem: string;
}

/** `-newkey` arguments for the keys the tests use. */
export const KEYS = {
  p256: ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  rsa2048: ['rsa:2048'],
  rsa1024: ['rsa:1024'],
  ed25519: ['ed25519'],
} as const;

/**
 * A PKCS#10 request made by the real openssl, as a broker makes its own:
 * a fresh key (`-newkey`), the subject and extensions given (`-addext`).
 *
 * @example const { csrPem } = opensslCsr(KEYS.p256, { subject: '/CN=evil', addext: ['subjectAltName=DNS:evil.example'] });
 */
export function opensslCsr(
  newkey: readonly string[],
  options: { subject?: string; addext?: readonly string[] } = {},
): OpensslCsr {
  const dir = mkdtempSync(join(tmpdir(), 'warren-csr-'));
  try {
    // biome-ignore format: one openssl option per pair
    execFileSync('openssl', [
      'req', '-new', '-newkey', ...newkey, '-nodes',
      '-subj', options.subject ?? '/CN=warren-broker',
      ...(options.addext ?? []).flatMap((extension) => ['-addext', extension]),
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'request.csr'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return {
      csrPem: readFileSync(join(dir, 'request.csr'), 'utf8'),
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
