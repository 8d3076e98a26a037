import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderDefinitionFiles } from '../../infra/broker/definitions.js';
import {
  type RabbitmqConfigOptions,
  renderRabbitmqConfig,
  type TlsFiles,
} from '../../infra/broker/rabbitmq-config.js';
import { type BrokerSpec, brokerPaths } from '../../src/fleet/broker-spec.js';
import { defaultTopology } from '../../src/topology/load-topology.js';
import type { Topology } from '../../src/topology/topology.js';

const run = promisify(execFile);

/** The TLS files of the test broker in `dir`. */
export function tlsBrokerFiles(dir: string): TlsFiles {
  const tls = join(dir, 'tls');
  return {
    caCertFile: join(tls, 'ca.pem'),
    certFile: join(tls, 'cert.pem'),
    keyFile: join(tls, 'key.pem'),
  };
}

/** What the test broker's rabbitmq.conf is rendered from: the EC2 defaults, on loopback and free ports. */
export function tlsBrokerConfigOptions(spec: BrokerSpec): RabbitmqConfigOptions {
  return {
    amqpsPort: spec.amqpPort,
    managementPort: spec.managementPort,
    tls: tlsBrokerFiles(spec.dir),
    definitionsDir: join(spec.dir, 'definitions.d'),
    bindAddress: '127.0.0.1',
    // A disk alarm would block publishers: test machines have less disk than 1.5 x their RAM.
    diskFreeLimitRelative: 0.1,
  };
}

/** The broker certificate's key: EC P-256 as `warren-issue-certificate` makes on EC2, or RSA for comparison. */
export type LeafKey = 'ec-p256' | 'rsa-2048';

export interface TlsBrokerFileOptions {
  /** @default the default topology */
  readonly topology?: Topology;
  /** @default 'ec-p256', as on EC2 */
  readonly leafKey?: LeafKey;
  /**
   * A plain AMQP listener on this loopback port beside the AMQPS one, which
   * an EC2 broker does not have: a bench's baseline on the same node. @default none
   */
  readonly plainAmqpPort?: number;
}

/**
 * Writes the node's directories, TLS files, rabbitmq.conf, definitions
 * directory and enabled plugins.
 */
export async function writeTlsBrokerFiles(
  spec: BrokerSpec,
  { topology = defaultTopology, leafKey = 'ec-p256', plainAmqpPort }: TlsBrokerFileOptions = {},
): Promise<TlsFiles> {
  const paths = brokerPaths(spec.dir);
  const options = tlsBrokerConfigOptions(spec);
  const definitionsDir = options.definitionsDir ?? '';
  await Promise.all(
    [paths.home, paths.mnesiaBase, paths.logBase, definitionsDir].map((path) =>
      mkdir(path, { recursive: true }),
    ),
  );
  const tls = await issueTestCertificates(tlsBrokerFiles(spec.dir), leafKey);
  for (const file of renderDefinitionFiles(topology))
    await writeFile(join(definitionsDir, file.name), file.content);
  const config = renderRabbitmqConfig(options);
  await writeFile(
    paths.config,
    plainAmqpPort === undefined
      ? config
      : config.replace('listeners.tcp = none', `listeners.tcp.1 = 127.0.0.1:${plainAmqpPort}`),
  );
  await writeFile(paths.enabledPlugins, '[rabbitmq_management].\n');
  return tls;
}

/**
 * A throwaway CA like the fleet CA (RSA 3072; its key is deleted once used) and
 * a leaf like the one each EC2 broker issues itself (EC P-256, unless `leafKey`
 * says RSA 2048), for 127.0.0.1 and localhost.
 */
async function issueTestCertificates(files: TlsFiles, leafKey: LeafKey): Promise<TlsFiles> {
  const dir = join(files.certFile, '..');
  await mkdir(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  await writeFile(
    file('leaf.ext'),
    [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1, DNS:localhost',
      '',
    ].join('\n'),
  );
  // biome-ignore format: one openssl command per line
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-sha256', '-days', '2',
    '-subj', '/CN=warren test CA', '-keyout', file('ca.key'), '-out', files.caCertFile]);
  const newKey =
    leafKey === 'ec-p256' ? ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['rsa:2048'];
  // biome-ignore format: one openssl command per line
  await run('openssl', ['req', '-new', '-newkey', ...newKey,
    '-nodes', '-subj', '/CN=localhost', '-keyout', files.keyFile, '-out', file('leaf.csr')]);
  // biome-ignore format: one openssl command per line
  await run('openssl', ['x509', '-req', '-in', file('leaf.csr'), '-CA', files.caCertFile,
    '-CAkey', file('ca.key'), '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', '2',
    '-sha256', '-extfile', file('leaf.ext'), '-out', files.certFile]);
  await rm(file('ca.key'));
  return files;
}
