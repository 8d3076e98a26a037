import { execFile } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerFiles, ISSUE_CERTIFICATE_COMMAND } from '../../../infra/broker/broker-files.js';
import { SAMPLE_BOOT_OPTIONS } from '../../../infra/broker/broker-shell-scripts.js';
import { BROKER_TLS_DIR } from '../../../infra/broker/rabbitmq-config.js';
import { type FleetCa, serializeFleetCa } from '../../../src/tls/fleet-ca.js';
import { generateFleetCa } from '../../../src/tls/generate-fleet-ca.js';
import { BROKER_INSTANCE, BROKER_ROLE, instanceSessionArn } from '../../tls/issuer-fixtures.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ISSUER_URL = SAMPLE_BOOT_OPTIONS.certificateIssuerUrl;
const DAY_MS = 24 * 3600 * 1000;
// IMDS's answer for the role's credentials, in its own layout.
const KEYS = {
  AccessKeyId: 'ASIAEXAMPLEKEYID',
  SecretAccessKey: 'r0le/Secret+Key',
  Token: 'IQoJb3JpZ2luX2VjEXAMPLE==',
};
const IMDS_CREDENTIALS = JSON.stringify(
  {
    Code: 'Success',
    LastUpdated: '2026-11-26T12:00:00Z',
    Type: 'AWS-HMAC',
    ...KEYS,
    Expiration: '2026-11-26T18:00:00Z',
  },
  null,
  2,
);

// Stand-ins for what only an EC2 broker has: IMDSv2, the issuer's function URL
// (the real issuer handler, run by issuer-stand-in.ts), systemd, rabbitmqctl, and
// root (install -o). openssl, sed and shred are the real ones.
const STUBS: Record<string, string> = {
  curl: `#!/bin/sh
echo "curl $*" >>"$CALLS"
case "$*" in
  *"-X PUT"*/latest/api/token) echo test-token ;;
  *"X-aws-ec2-metadata-token: test-token"*/meta-data/iam/security-credentials/) echo ${BROKER_ROLE} ;;
  *"X-aws-ec2-metadata-token: test-token"*/meta-data/iam/security-credentials/${BROKER_ROLE}) cat "$IMDS_CREDENTIALS" ;;
  *" $ISSUER_URL") exec "$TSX" "$ISSUER_STAND_IN" "$@" ;;
  *) echo "curl: unexpected request $*" >&2; exit 22 ;;
esac`,
  systemctl: `#!/bin/sh
echo "systemctl $*" >>"$CALLS"
exit "$NODE_STATUS"`,
  rabbitmqctl: `#!/bin/sh
echo "rabbitmqctl $*" >>"$CALLS"`,
  install: `#!/bin/bash
echo "install $*" >>"$CALLS"
args=()
while [ $# -gt 0 ]; do case "$1" in -o|-g) shift 2 ;; *) args+=("$1"); shift ;; esac; done
exec /usr/bin/install "\${args[@]}"`,
  mktemp: `#!/bin/sh
echo "mktemp $*" >>"$CALLS"
exec /usr/bin/mktemp -d "$RUN_DIR/warren-certificate.XXXXXX"`,
};

let dir: string;
let tlsDir: string;
let script: string;
let ca: FleetCa;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warren-issue-certificate-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  for (const [name, text] of Object.entries(STUBS)) {
    await writeFile(join(bin, name), `${text}\n`);
    await chmod(join(bin, name), 0o755);
  }
  ca = generateFleetCa({ now: new Date() });
  await writeFile(join(dir, 'ca.json'), serializeFleetCa(ca));
  await writeFile(join(dir, 'imds-credentials.json'), IMDS_CREDENTIALS);
  await setInstances([BROKER_INSTANCE]);
  const file = brokerFiles(SAMPLE_BOOT_OPTIONS).find(
    (candidate) => candidate.path === ISSUE_CERTIFICATE_COMMAND,
  );
  tlsDir = join(dir, 'tls');
  script = join(dir, 'warren-issue-certificate');
  const text = file?.content ?? '';
  expect(text).toContain(`TLS_DIR='${BROKER_TLS_DIR}'`);
  await writeFile(script, text.replace(`TLS_DIR='${BROKER_TLS_DIR}'`, `TLS_DIR='${tlsDir}'`));
  await chmod(script, 0o755);
  await mkdir(join(dir, 'run'));
  await mkdir(join(dir, 'requests'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the stand-in EC2 answers the issuer. */
async function setInstances(instances: readonly object[]): Promise<void> {
  await writeFile(join(dir, 'instances.json'), JSON.stringify(instances));
}

/** Runs the script; returns its output and the stubbed commands it ran. */
async function issue(
  args: string[] = [],
  nodeStatus = 0,
): Promise<{ stdout: string; calls: string[] }> {
  await writeFile(join(dir, 'calls'), '');
  const { stdout } = await run(script, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      CALLS: join(dir, 'calls'),
      RUN_DIR: join(dir, 'run'),
      NODE_STATUS: String(nodeStatus),
      IMDS_CREDENTIALS: join(dir, 'imds-credentials.json'),
      ISSUER_URL,
      TSX: join(REPO_ROOT, 'node_modules/.bin/tsx'),
      ISSUER_STAND_IN: fileURLToPath(new URL('./issuer-stand-in.ts', import.meta.url)),
      CA_JSON: join(dir, 'ca.json'),
      EC2_INSTANCES: join(dir, 'instances.json'),
      CALLER_ARN: instanceSessionArn(),
      EXPECTED_USER: `${KEYS.AccessKeyId}:${KEYS.SecretAccessKey}`,
      EXPECTED_TOKEN: KEYS.Token,
      EXPECTED_SIGV4: 'aws:amz:eu-west-1:lambda',
      REQUESTS: join(dir, 'requests'),
    },
  });
  return { stdout, calls: await calls() };
}

const calls = async () =>
  (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n').filter(Boolean);
const certificate = async () => new X509Certificate(await readFile(join(tlsDir, 'cert.pem')));
const mode = async (name: string) => ((await stat(join(tlsDir, name))).mode & 0o777).toString(8);
const caCertificate = () => new X509Certificate(ca.certificatePem);

describe('warren-issue-certificate, against the real issuer', () => {
  it("sends an openssl CSR and installs an EC P-256 leaf for 30 days, for the instance's EC2 IP and DNS name", async () => {
    const { stdout, calls } = await issue();

    expect(stdout).toContain('issued');
    const cert = await certificate();
    expect(cert.checkIssued(caCertificate())).toBe(true);
    expect(cert.verify(caCertificate().publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    // From EC2, not from the CSR (whose subject is CN=warren-broker and which asks for no names).
    expect(cert.subject).toBe(`CN=${BROKER_INSTANCE.privateDnsName}`);
    expect(cert.subjectAltName).toBe(`IP Address:10.0.1.23, DNS:${BROKER_INSTANCE.privateDnsName}`);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.checkPrivateKey(createPrivateKey(await readFile(join(tlsDir, 'key.pem'))))).toBe(
      true,
    );
    const lifetimeMs = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    expect(Math.round(lifetimeMs / DAY_MS)).toBe(30);
    const issuerCalls = calls.filter((call) => call.endsWith(` ${ISSUER_URL}`));
    expect(issuerCalls).toHaveLength(1);
    expect(issuerCalls[0]).toContain('-K - --aws-sigv4 aws:amz:eu-west-1:lambda');
  });

  it("never puts the role's keys on a command line, and never sends the private key", async () => {
    const { calls } = await issue(['--force']);

    for (const secret of [KEYS.SecretAccessKey, KEYS.Token]) {
      for (const call of calls) expect(call).not.toContain(secret);
    }
    const requests = await readdir(join(dir, 'requests'));
    expect(requests.length).toBeGreaterThan(0);
    for (const name of requests) {
      const body = JSON.parse(await readFile(join(dir, 'requests', name), 'utf8'));
      expect(Object.keys(body)).toEqual(['csrPem']);
      expect(body.csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
      expect(body.csrPem).not.toContain('PRIVATE KEY');
    }
  });

  it('installs the key 0600 and the certificates 0644 in a 0750 directory, all owned by rabbitmq', async () => {
    const { calls } = await issue(['--force']);

    expect([await mode('key.pem'), await mode('cert.pem'), await mode('ca.pem')]).toEqual([
      '600',
      '644',
      '644',
    ]);
    expect(((await stat(tlsDir)).mode & 0o777).toString(8)).toBe('750');
    const installs = calls.filter((call) => call.startsWith('install'));
    expect(installs).toHaveLength(4);
    for (const call of installs) expect(call).toMatch(/^install (-d )?-o rabbitmq -g rabbitmq /);
    expect(await readFile(join(tlsDir, 'ca.pem'), 'utf8')).toBe(
      ca.certificatePem.replaceAll('\r\n', '\n'),
    );
  });

  it('works in a memory-backed temp directory, removed afterwards, and holds no CA key', async () => {
    const { calls } = await issue(['--force']);

    expect(calls).toContain('mktemp -d /run/warren-certificate.XXXXXX');
    expect(await readdir(join(dir, 'run'))).toEqual([]);
    const caKeyBody = ca.privateKeyPem.split('\n')[1] ?? 'missing';
    for (const name of await readdir(tlsDir)) {
      expect(await readFile(join(tlsDir, name), 'utf8')).not.toContain(caKeyBody);
    }
  });

  it('tells a running node to reload its PEM files, and skips that when the node is down', async () => {
    const running = await issue(['--force'], 0);
    expect(running.calls).toContain('rabbitmqctl -q eval ssl:clear_pem_cache().');
    const stopped = await issue(['--force'], 3);
    expect(stopped.calls.some((call) => call.startsWith('rabbitmqctl'))).toBe(false);
  });

  it('does nothing while the certificate has more than 10 days left', async () => {
    const before = (await certificate()).serialNumber;
    const { stdout, calls } = await issue();
    expect(stdout).toContain('valid for more than 10 days');
    expect(calls).toEqual([]);
    expect((await certificate()).serialNumber).toBe(before);
  });

  it('renews a certificate with 10 days or less left', async () => {
    // biome-ignore format: one openssl command per line
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-days', '5', '-subj', '/CN=old', '-keyout', join(dir, 'old.key'), '-out', join(tlsDir, 'cert.pem')]);
    const { stdout } = await issue();
    expect(stdout).toContain('issued');
    const cert = await certificate();
    expect(Date.parse(cert.validTo) - Date.now()).toBeGreaterThan(29 * DAY_MS);
  });

  it("fails with the issuer's reason and keeps the current files when the issuer refuses", async () => {
    const before = await readFile(join(tlsDir, 'cert.pem'), 'utf8');
    await setInstances([{ ...BROKER_INSTANCE, tags: {} }]);
    try {
      const failure = await issue(['--force']).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );

      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain('the issuer refused');
      expect(failure?.stderr).toContain('"code":"not_a_broker"');
      expect(await readFile(join(tlsDir, 'cert.pem'), 'utf8')).toBe(before);
      expect((await calls()).some((call) => call.startsWith('install'))).toBe(false);
      expect(await readdir(join(dir, 'run'))).toEqual([]);
    } finally {
      await setInstances([BROKER_INSTANCE]);
    }
  });
});
