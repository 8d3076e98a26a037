import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerFiles, ISSUE_CERTIFICATE_COMMAND } from '../../../infra/broker/broker-files.js';
import { BROKER_TLS_DIR } from '../../../infra/broker/rabbitmq-config.js';
import { defaultTopology } from '../../../src/topology/load-topology.js';

const run = promisify(execFile);
const CA_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:warren/fleet-ca-GhIjKl';
const HOST = 'ip-10-0-1-23.eu-west-1.compute.internal';
const DAY_MS = 24 * 3600 * 1000;

// Stand-ins for what only an EC2 broker has: IMDSv2, Secrets Manager, systemd,
// rabbitmqctl, and root (install -o). openssl, jq and shred are the real ones.
const STUBS: Record<string, string> = {
  curl: `#!/bin/sh
echo "curl $*" >>"$CALLS"
case "$*" in
  *"-X PUT"*/latest/api/token) echo test-token ;;
  *"X-aws-ec2-metadata-token: test-token"*/meta-data/local-ipv4) echo 10.0.1.23 ;;
  *"X-aws-ec2-metadata-token: test-token"*/meta-data/local-hostname) echo ${HOST} ;;
  *) echo "curl: unexpected request $*" >&2; exit 22 ;;
esac`,
  aws: `#!/bin/sh
echo "aws $*" >>"$CALLS"
cat "$CA_JSON"`,
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
let caCertPem: string;
let caKeyPem: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warren-issue-certificate-'));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  for (const [name, text] of Object.entries(STUBS)) {
    await writeFile(join(bin, name), `${text}\n`);
    await chmod(join(bin, name), 0o755);
  }
  // biome-ignore format: one openssl command per line
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-sha256', '-days', '3650',
    '-subj', '/CN=warren test fleet CA', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem')]);
  caCertPem = await readFile(join(dir, 'ca.pem'), 'utf8');
  caKeyPem = await readFile(join(dir, 'ca.key'), 'utf8');
  await writeFile(
    join(dir, 'ca.json'),
    JSON.stringify({ certificatePem: caCertPem, privateKeyPem: caKeyPem }),
  );
  const file = brokerFiles({
    region: 'eu-west-1',
    rabbitmqVersion: '4.1.4',
    erlangMajor: 27,
    credentialsSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:creds',
    caSecretArn: CA_SECRET_ARN,
    topology: defaultTopology,
    logGroupName: '/warren/brokers/b1',
  }).find((candidate) => candidate.path === ISSUE_CERTIFICATE_COMMAND);
  tlsDir = join(dir, 'tls');
  script = join(dir, 'warren-issue-certificate');
  const text = file?.content ?? '';
  expect(text).toContain(`TLS_DIR='${BROKER_TLS_DIR}'`);
  await writeFile(script, text.replace(`TLS_DIR='${BROKER_TLS_DIR}'`, `TLS_DIR='${tlsDir}'`));
  await chmod(script, 0o755);
  await mkdir(join(dir, 'run'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the script; returns its output and the stubbed commands it ran. */
async function issue(
  args: string[] = [],
  nodeStatus = 0,
): Promise<{ stdout: string; calls: string[] }> {
  await writeFile(join(dir, 'calls'), '');
  const { stdout } = await run(script, args, {
    env: {
      ...process.env,
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      CALLS: join(dir, 'calls'),
      CA_JSON: join(dir, 'ca.json'),
      RUN_DIR: join(dir, 'run'),
      NODE_STATUS: String(nodeStatus),
    },
  });
  const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n').filter(Boolean);
  return { stdout, calls };
}

const certificate = async () => new X509Certificate(await readFile(join(tlsDir, 'cert.pem')));
const mode = async (name: string) => ((await stat(join(tlsDir, name))).mode & 0o777).toString(8);

describe('warren-issue-certificate', () => {
  it('issues an EC P-256 leaf for 30 days, signed by the fleet CA, for the private IP and DNS name', async () => {
    const { stdout, calls } = await issue();
    expect(stdout).toContain('issued');
    const cert = await certificate();
    expect(cert.checkIssued(new X509Certificate(caCertPem))).toBe(true);
    await run('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(tlsDir, 'cert.pem')]);
    expect(cert.ca).toBe(false);
    expect(cert.subjectAltName).toBe(`IP Address:10.0.1.23, DNS:${HOST}`);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const lifetimeMs = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    expect(Math.round(lifetimeMs / DAY_MS)).toBe(30);
    expect(calls).toContain(
      `aws secretsmanager get-secret-value --region eu-west-1 --secret-id ${CA_SECRET_ARN} --query SecretString --output text`,
    );
    expect(calls.filter((call) => call.startsWith('curl')).length).toBe(3);
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
    expect(await readFile(join(tlsDir, 'ca.pem'), 'utf8')).toBe(caCertPem);
  });

  it('leaves no trace of the CA key: a memory-backed temp directory, removed afterwards', async () => {
    const { calls } = await issue(['--force']);
    expect(calls).toContain('mktemp -d /run/warren-certificate.XXXXXX');
    expect(await readdir(join(dir, 'run'))).toEqual([]);
    const caKeyBody = caKeyPem.split('\n')[1] ?? 'missing';
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
});
