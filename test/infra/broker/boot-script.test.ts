import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerBootOptions,
  BrokerBootOptionsError,
  renderBootScript,
  USER_DATA_LIMIT_BYTES,
} from '../../../infra/broker/boot-script.js';
import { brokerFiles, ISSUE_CERTIFICATE_COMMAND } from '../../../infra/broker/broker-files.js';
import {
  brokerShellScripts,
  SAMPLE_BOOT_OPTIONS,
} from '../../../infra/broker/broker-shell-scripts.js';
import { renderCloudWatchAgentConfig } from '../../../infra/broker/cloudwatch-agent-config.js';
import { renderDefinitionFiles } from '../../../infra/broker/definitions.js';
import { renderRabbitmqConfig } from '../../../infra/broker/rabbitmq-config.js';
import { defaultTopology } from '../../../src/topology/load-topology.js';

const run = promisify(execFile);

const options = SAMPLE_BOOT_OPTIONS;

// What CDK puts in the user data at synth time, resolved only by CloudFormation.
const tokens: BrokerBootOptions = {
  ...options,
  region: `\${Token[AWS.Region.9]}`,
  dataVolumeId: `\${Token[TOKEN.301]}`,
  credentialsSecretArn: `\${Token[TOKEN.302]}`,
  certificateIssuerUrl: `\${Token[TOKEN.303]}`,
  logGroupName: `\${Token[TOKEN.304]}`,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warren-boot-script-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `bash -n`: the syntax check every machine can run; `npm run lint:shell` runs shellcheck. */
async function bashSyntax(name: string, text: string): Promise<void> {
  const file = join(dir, name);
  await writeFile(file, text);
  await run('bash', ['-n', file]);
}

/** Runs the script's `write_files` with `install` redirected under `root`; returns what it wrote. */
async function writtenFiles(script: string, root: string): Promise<Map<string, string>> {
  const prelude = script.slice(0, script.indexOf('\nset -E\n'));
  const install = `install() { mkdir -p "$ROOT\${5%/*}"; cat >"$ROOT$5"; chmod "$3" "$ROOT$5"; }`;
  await run('bash', ['-c', `${prelude}\n${install}\nwrite_files`], {
    env: { ...process.env, ROOT: root },
  });
  const files = new Map<string, string>();
  for (const file of brokerFiles(options)) {
    files.set(file.path, await readFile(join(root, file.path), 'utf8').catch(() => ''));
  }
  return files;
}

/** Top-level commands after the function definitions, in the order the script runs them. */
function steps(script: string): string[] {
  const body = script.slice(script.indexOf('\nset -E\n'));
  return body
    .slice(body.lastIndexOf('\n}\n') + 3)
    .trim()
    .split('\n');
}

describe('renderBootScript', () => {
  const script = renderBootScript(options);

  it('is valid bash, and so is every script it installs', async () => {
    const scripts = brokerShellScripts(options);
    expect(scripts.map((each) => each.name)).toEqual([
      'user-data.sh',
      'warren-issue-certificate',
      'warren-sync-credentials',
    ]);
    expect(scripts[0]?.text).toBe(script);
    for (const each of scripts) await bashSyntax(each.name, each.text);
  });

  it('lints, with npm run lint:shell, every script the broker runs: the installed ones are all the 0755 files', () => {
    const installed = brokerFiles(options).filter((file) => file.mode === '0755');
    expect(installed.map((file) => file.path)).toEqual([
      '/usr/local/sbin/warren-issue-certificate',
      '/usr/local/sbin/warren-sync-credentials',
    ]);
    expect(brokerShellScripts(SAMPLE_BOOT_OPTIONS).map((each) => each.name)).toEqual(
      brokerShellScripts(options).map((each) => each.name),
    );
  });

  it('stays under the 16 KB EC2 user-data limit with the default topology', () => {
    expect(Buffer.byteLength(script)).toBeLessThan(USER_DATA_LIMIT_BYTES);
  });

  it('writes exactly the rendered rabbitmq.conf, definitions and agent config, expanding nothing', async () => {
    const files = await writtenFiles(script, join(dir, 'root'));
    expect(files.get('/etc/rabbitmq/rabbitmq.conf')).toBe(renderRabbitmqConfig());
    for (const { name, content } of renderDefinitionFiles(defaultTopology))
      expect(files.get(`/etc/rabbitmq/definitions.d/${name}`)).toBe(content);
    expect(files.get('/etc/warren/cloudwatch-agent.json')).toBe(
      renderCloudWatchAgentConfig({ logGroupName: options.logGroupName }),
    );
    for (const file of brokerFiles(options)) expect(files.get(file.path)).toBe(file.content);
  });

  it('keeps CDK tokens as literal text for CloudFormation to replace', async () => {
    const withTokens = renderBootScript(tokens);
    await writeFile(join(dir, 'tokens.sh'), withTokens);
    await run('bash', ['-n', join(dir, 'tokens.sh')]);
    expect(withTokens).toContain(`REGION='\${Token[AWS.Region.9]}'`);
    expect(withTokens).toContain(`DATA_VOLUME_ID='\${Token[TOKEN.301]}'`);
    const files = await writtenFiles(withTokens, join(dir, 'tokens'));
    const agent = JSON.parse(files.get('/etc/warren/cloudwatch-agent.json') ?? '');
    const groups = agent.logs.logs_collected.files.collect_list.map(
      (entry: { log_group_name: string }) => entry.log_group_name,
    );
    expect(groups).toEqual([tokens.logGroupName, tokens.logGroupName]);
    expect(agent.metrics.append_dimensions).toEqual({ InstanceId: `\${aws:InstanceId}` });
  });

  it('pins RabbitMQ and Erlang to the given versions and holds them', () => {
    const pins = brokerFiles(options).find((file) =>
      file.path.startsWith('/etc/apt/preferences.d/'),
    );
    expect(pins?.content).toBe(
      'Package: rabbitmq-server\nPin: version 4.1.4-*\nPin-Priority: 1001\n\n' +
        'Package: erlang*\nPin: version 1:27.*\nPin-Priority: 1001\n',
    );
    expect(script).toContain(`RABBITMQ_VERSION='4.1.4'`);
    expect(script).toContain(`apt-mark hold rabbitmq-server "\${ERLANG_PACKAGES[@]}"`);
    expect(script).toMatch(/if \[\[ "\$version" != "\$RABBITMQ_VERSION"-\* \]\]; then/);
  });

  it("installs from Team RabbitMQ's signed noble repositories on both mirrors", () => {
    expect(script).toContain(
      'https://keys.openpgp.org/vks/v1/by-fingerprint/0A9AF2115F4687BD29803A206B73A36E6026DFCA',
    );
    expect(script).toContain(
      'echo "deb [arch=amd64 signed-by=$keyring] https://$mirror.rabbitmq.com/$repo/ubuntu/noble noble main"',
    );
    expect(script).toMatch(
      /for repo in rabbitmq-erlang rabbitmq-server; do\n\s+for mirror in deb1 deb2/,
    );
  });

  it('names the node rabbit@localhost, so a replacement instance finds the data on the volume', () => {
    const env = brokerFiles(options).find(
      (file) => file.path === '/etc/rabbitmq/rabbitmq-env.conf',
    );
    expect(env?.content).toBe('NODENAME=rabbit@localhost\n');
  });

  it('mounts the data volume before RabbitMQ is installed, and starts RabbitMQ only after the certificate', () => {
    const order = steps(script);
    expect(order.slice(0, 6)).toEqual([
      expect.stringContaining('log "boot script starting'),
      'write_files',
      'start_cloudwatch_agent',
      'install_aws_cli',
      'mount_data_volume',
      'install_rabbitmq',
    ]);
    expect(order.indexOf('/usr/local/sbin/warren-issue-certificate')).toBeLessThan(
      order.indexOf('start_rabbitmq'),
    );
    expect(order.indexOf('start_rabbitmq')).toBeLessThan(
      order.indexOf('/usr/local/sbin/warren-sync-credentials'),
    );
    const dropIn = brokerFiles(options).find((file) => file.path.endsWith('warren.conf'));
    expect(dropIn?.content).toContain('RequiresMountsFor=/var/lib/rabbitmq');
  });

  it('formats the volume only when it has no filesystem and mounts it by UUID with nofail', () => {
    expect(script).toMatch(
      /if \[ -z "\$\(blkid -p -o value -s TYPE "\$device" \|\| true\)" \]; then\n.*\n\s+mkfs\.ext4/,
    );
    expect(script).toContain(
      'echo "UUID=$uuid /var/lib/rabbitmq ext4 defaults,nofail 0 2" >>/etc/fstab',
    );
    expect(script).toContain(`nvme-Amazon_Elastic_Block_Store_\${DATA_VOLUME_ID//-/}`);
  });

  it('configures no plain AMQP or HTTP listener', () => {
    const config = renderRabbitmqConfig();
    expect(config).toContain('listeners.tcp = none\n');
    expect(config).toContain('listeners.ssl.default = 5671\n');
    expect(config).not.toMatch(/^listeners\.tcp\./m);
    expect(config).not.toMatch(/^management\.tcp\./m);
    expect(config).toContain('management.ssl.port = 15671\n');
  });

  it('reads instance metadata only with an IMDSv2 token', () => {
    const all = [script, ...brokerFiles(options).map((file) => file.content)].join('\n');
    const reads = all
      .split('\n')
      .filter((line) => line.includes('169.254.169.254/latest/meta-data'));
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const line of reads) expect(line).toContain('-H "X-aws-ec2-metadata-token: $token"');
    expect(all).toContain("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds:");
  });

  it('never prints a secret: no tracing, and secret values only ever piped into sed or rabbitmqctl, or matched', () => {
    const all = [script, ...brokerFiles(options).map((file) => file.content)].join('\n');
    expect(all).not.toMatch(/set -[a-z]*x|xtrace/);
    const secretUses = all.split('\n').filter((line) => /\$(secret|password)\b/.test(line));
    expect(secretUses.length).toBeGreaterThan(0);
    for (const line of secretUses) {
      expect(line).toMatch(
        /^\s*((\w+\(\) \{ )?printf '%s(\\n)?' "\$(secret|password)" \| (sed|rabbitmqctl) |if ! \[\[ "\$username" =~ \$URL_SAFE && "\$password" =~ \$URL_SAFE \]\]; then$)/,
      );
    }
    expect(all).not.toMatch(/\bjq\b/);
  });

  it("hands the instance role's keys to curl on stdin, never on a command line, and reads no CA key", () => {
    const issue =
      brokerFiles(options).find((file) => file.path === ISSUE_CERTIFICATE_COMMAND)?.content ?? '';
    const lines = issue.split('\n');
    const uses = lines.filter((line) => line.includes('$credentials'));
    expect(lines).toContain('credentials=$(metadata "iam/security-credentials/$role")');
    expect(uses).toHaveLength(1);
    // Only ever read through `field`, which pipes it into sed, inside the printf that feeds curl -K -.
    const reads = uses.join('\n');
    expect(
      reads.replace(/\$\(field (AccessKeyId|SecretAccessKey|Token) "\$credentials"\)/g, ''),
    ).not.toContain('$credentials');
    const printf = lines.findIndex((line) => line.includes(`printf 'user = "%s:%s"`));
    expect(lines.slice(printf, printf + 4).join('\n')).toMatch(
      /\| *\n\s*curl [^\n]*-K - --aws-sigv4 "aws:amz:\$\{REGION\}:lambda"/,
    );
    expect(issue).toContain(`'header = "x-amz-security-token: %s"`.slice(1));
    expect(issue).toContain(`ISSUER_URL='${options.certificateIssuerUrl}'`);
    expect(issue).not.toMatch(/secretsmanager|CA_SECRET|-CAkey|\bjq\b/);
  });

  it.each(['4.1', 'latest', '4.1.4-1', "4.1.4'; reboot; '"])(
    'rejects rabbitmqVersion %j',
    (rabbitmqVersion) => {
      expect(() => renderBootScript({ ...options, rabbitmqVersion })).toThrow(
        BrokerBootOptionsError,
      );
    },
  );

  it('refuses a topology too large for EC2 user data, at synth rather than at launch', () => {
    const queues = Array.from({ length: 100 }, (_, i) => ({
      name: `orders.region-${i}.priority`,
      vhost: '/' as const,
      durable: true as const,
      auto_delete: false as const,
      arguments: {},
    }));
    expect(() =>
      renderBootScript({ ...options, topology: { ...defaultTopology, queues } }),
    ).toThrow(/user-data limit/);
  });

  it.each([
    { amqpsPort: 0 },
    { managementPort: 70_000 },
    { memoryHighWatermark: 1 },
    { diskFreeLimitRelative: 0 },
  ])('renderRabbitmqConfig rejects %j', (bad) => {
    expect(() => renderRabbitmqConfig(bad)).toThrow(RangeError);
  });

  it('rejects an Erlang major that is not a whole version number', () => {
    expect(() => renderBootScript({ ...options, erlangMajor: 27.1 })).toThrow(/erlangMajor/);
  });
});
