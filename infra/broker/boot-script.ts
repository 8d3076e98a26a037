import type { Topology } from '../../src/topology/topology.js';
import { brokerFiles } from './broker-files.js';
import { bashScript, scriptBody, writeFileCommand } from './shell-script.js';

/**
 * What one broker's boot script needs. Every string may be a CDK token at
 * synth time and is quoted, never inspected, except the versions, which
 * choose packages and are validated.
 */
export interface BrokerBootOptions {
  /** Broker id, e.g. `b1`; only used in log lines. */
  readonly nodeId: string;
  readonly region: string;
  /** RabbitMQ package version, e.g. `4.1.4`; the apt pin is `<version>-*`. */
  readonly rabbitmqVersion: string;
  /** Erlang/OTP major version, e.g. `27`; the apt pin is `1:<major>.*`. */
  readonly erlangMajor: number;
  /** The retained data volume (`vol-…`); the instance attaches it unless something else does. */
  readonly dataVolumeId: string;
  /** Secret holding `{"username","password"}` for the one RabbitMQ user. */
  readonly credentialsSecretArn: string;
  /** Function URL of the certificate issuer, which signs the broker's CSR. */
  readonly certificateIssuerUrl: string;
  /** Imported at boot, with the probe queue added. */
  readonly topology: Topology;
  /** Log group the CloudWatch agent ships RabbitMQ's and the boot script's logs to. */
  readonly logGroupName: string;
}

export class BrokerBootOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerBootOptionsError';
  }
}

/** EC2 rejects user data above 16 KB (before base64). */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;
const TOKEN_VALUE_BYTES = 100;

/**
 * The user data (bash) of a broker instance on Ubuntu 24.04 amd64. It writes
 * the broker's files, starts the CloudWatch agent, attaches and mounts the
 * data volume at /var/lib/rabbitmq, installs the pinned RabbitMQ and Erlang from Team
 * RabbitMQ's apt repositories, issues the TLS certificate, starts RabbitMQ and
 * applies the credentials secret. It logs to /var/log/warren-boot.log and can
 * be run again safely.
 *
 * @example UserData.custom(renderBootScript({ nodeId: 'b1', rabbitmqVersion: '4.1.4', erlangMajor: 27, ...refs }))
 */
export function renderBootScript(options: BrokerBootOptions): string {
  if (!/^\d+\.\d+\.\d+$/.test(options.rabbitmqVersion)) {
    throw new BrokerBootOptionsError(
      `rabbitmqVersion must look like 4.1.4, got ${JSON.stringify(options.rabbitmqVersion)}`,
    );
  }
  if (!Number.isInteger(options.erlangMajor) || options.erlangMajor < 20) {
    throw new BrokerBootOptionsError(
      `erlangMajor must be an Erlang/OTP major version such as 27, got ${options.erlangMajor}`,
    );
  }
  const writes = brokerFiles(options).map((file) =>
    writeFileCommand(file.path, file.mode, file.content),
  );
  const script = bashScript(
    `warren broker ${options.nodeId.replace(/\s+/g, ' ')}: boot script from infra/broker/boot-script.ts`,
    {
      NODE_ID: options.nodeId,
      REGION: options.region,
      RABBITMQ_VERSION: options.rabbitmqVersion,
      ERLANG_MAJOR: String(options.erlangMajor),
      DATA_VOLUME_ID: options.dataVolumeId,
    },
    ['write_files() {', ...writes, '}', scriptBody('boot.sh')].join('\n'),
  );
  // At synth, CloudFormation has yet to put values (ARNs, up to ~100 bytes) in place of tokens.
  const tokens = script.match(/\$\{Token\[/g)?.length ?? 0;
  const bytes = Buffer.byteLength(script) + tokens * TOKEN_VALUE_BYTES;
  if (bytes > USER_DATA_LIMIT_BYTES) {
    throw new BrokerBootOptionsError(
      `the boot script is about ${bytes} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}-byte user-data limit; shrink the topology`,
    );
  }
  return script;
}
