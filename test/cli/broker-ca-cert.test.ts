import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerCaCert } from '../../src/cli/broker-ca-cert.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { ConfigError, ENV } from '../../src/config.js';
import { issueTestCa, issueTestServerCertificate } from '../amqp/test-certificates.js';

const COMMAND = 'nodes list';
const ca = issueTestCa();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warren-ca-file-'));
  await writeFile(join(dir, 'ca.pem'), ca.certPem);
  await writeFile(join(dir, 'server.pem'), issueTestServerCertificate(ca).certPem);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function usageErrorFrom(attempt: Promise<unknown>): Promise<UsageError> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('brokerCaCert', () => {
  it('reads the CA certificate from --ca-file, ahead of the environment', async () => {
    const pem = await brokerCaCert(join(dir, 'ca.pem'), { [ENV.amqpCaCert]: 'ignored' }, COMMAND);
    expect(pem?.trim()).toBe(ca.certPem.trim());
  });

  it('falls back to WARREN_AMQP_CA_CERT, then to none', async () => {
    const fromEnv = await brokerCaCert(undefined, { [ENV.amqpCaCert]: ca.certPem }, COMMAND);
    expect(fromEnv?.trim()).toBe(ca.certPem.trim());
    expect(await brokerCaCert(undefined, {}, COMMAND)).toBeUndefined();
  });

  it('refuses a WARREN_AMQP_CA_CERT that is not a certificate, as configuration', async () => {
    await expect(brokerCaCert(undefined, { [ENV.amqpCaCert]: 'nope' }, COMMAND)).rejects.toThrow(
      ConfigError,
    );
  });

  it('reports a missing file as a usage error naming it', async () => {
    const error = await usageErrorFrom(brokerCaCert(join(dir, 'missing.pem'), {}, COMMAND));
    expect(error.message).toBe(`--ca-file ${join(dir, 'missing.pem')}: cannot be read (ENOENT)`);
    expect(error.command).toBe(COMMAND);
  });

  it("reports a broker's certificate given as the CA as a usage error", async () => {
    const error = await usageErrorFrom(brokerCaCert(join(dir, 'server.pem'), {}, COMMAND));
    expect(error.message).toContain(`--ca-file ${join(dir, 'server.pem')}: `);
    expect(error.message).toContain('is not a CA certificate');
  });
});
