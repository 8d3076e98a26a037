import type { Topology } from '../../src/topology/topology.js';
import { renderCloudWatchAgentConfig } from './cloudwatch-agent-config.js';
import { renderDefinitionFiles } from './definitions.js';
import {
  BROKER_DEFINITIONS_DIR,
  BROKER_NODE_NAME,
  BROKER_TLS_DIR,
  renderRabbitmqConfig,
} from './rabbitmq-config.js';
import { bashScript, scriptBody } from './shell-script.js';

/** A file the boot script writes, before it installs anything. */
export interface BrokerFile {
  readonly path: string;
  readonly mode: '0644' | '0755';
  readonly content: string;
}

export interface BrokerFilesOptions {
  readonly region: string;
  readonly rabbitmqVersion: string;
  readonly erlangMajor: number;
  readonly credentialsSecretArn: string;
  readonly certificateIssuerUrl: string;
  readonly topology: Topology;
  readonly logGroupName: string;
}

export const ISSUE_CERTIFICATE_COMMAND = '/usr/local/sbin/warren-issue-certificate';
export const SYNC_CREDENTIALS_COMMAND = '/usr/local/sbin/warren-sync-credentials';

const RABBITMQ_DROP_IN = `[Unit]
# Never start a fresh node on the root disk when the data volume is not mounted.
RequiresMountsFor=/var/lib/rabbitmq
[Service]
Restart=on-failure
RestartSec=10
LimitNOFILE=65536
`;

const CERTIFICATE_SERVICE = `[Unit]
Description=Issue or renew the warren broker TLS certificate
Wants=network-online.target
After=network-online.target
[Service]
Type=oneshot
ExecStart=${ISSUE_CERTIFICATE_COMMAND}
`;

const CERTIFICATE_TIMER = `[Unit]
Description=Daily check of the warren broker TLS certificate
[Timer]
OnCalendar=daily
RandomizedDelaySec=1h
Persistent=true
[Install]
WantedBy=timers.target
`;

/**
 * Every file an EC2 broker needs besides its packages: the apt pins, RabbitMQ's
 * configuration (fixed node name, rabbitmq.conf, plugins, definitions directory), the
 * certificate and credential scripts with their systemd units, the
 * rabbitmq-server drop-in and the CloudWatch agent configuration.
 *
 * @example brokerFiles(options).map((file) => file.path)
 */
export function brokerFiles(options: BrokerFilesOptions): BrokerFile[] {
  const { region } = options;
  return [
    // Team RabbitMQ's packages only (priority above 1000), at the versions the stack names.
    {
      path: '/etc/apt/preferences.d/warren-rabbitmq',
      mode: '0644',
      content: [
        `Package: rabbitmq-server\nPin: version ${options.rabbitmqVersion}-*\nPin-Priority: 1001\n`,
        `Package: erlang*\nPin: version 1:${options.erlangMajor}.*\nPin-Priority: 1001\n`,
      ].join('\n'),
    },
    {
      path: '/etc/rabbitmq/rabbitmq-env.conf',
      mode: '0644',
      content: `NODENAME=${BROKER_NODE_NAME}\n`,
    },
    { path: '/etc/rabbitmq/rabbitmq.conf', mode: '0644', content: renderRabbitmqConfig() },
    { path: '/etc/rabbitmq/enabled_plugins', mode: '0644', content: '[rabbitmq_management].\n' },
    ...renderDefinitionFiles(options.topology).map(
      ({ name, content }): BrokerFile => ({
        path: `${BROKER_DEFINITIONS_DIR}/${name}`,
        mode: '0644',
        content,
      }),
    ),
    {
      path: ISSUE_CERTIFICATE_COMMAND,
      mode: '0755',
      content: bashScript(
        'Issues or renews the broker TLS certificate (warren).',
        { REGION: region, ISSUER_URL: options.certificateIssuerUrl, TLS_DIR: BROKER_TLS_DIR },
        scriptBody('warren-issue-certificate.sh'),
      ),
    },
    {
      path: SYNC_CREDENTIALS_COMMAND,
      mode: '0755',
      content: bashScript(
        'Applies the AMQP credentials secret to RabbitMQ (warren).',
        { REGION: region, CREDENTIALS_SECRET_ARN: options.credentialsSecretArn },
        scriptBody('warren-sync-credentials.sh'),
      ),
    },
    {
      path: '/etc/systemd/system/warren-issue-certificate.service',
      mode: '0644',
      content: CERTIFICATE_SERVICE,
    },
    {
      path: '/etc/systemd/system/warren-issue-certificate.timer',
      mode: '0644',
      content: CERTIFICATE_TIMER,
    },
    {
      path: '/etc/systemd/system/rabbitmq-server.service.d/warren.conf',
      mode: '0644',
      content: RABBITMQ_DROP_IN,
    },
    {
      path: '/etc/warren/cloudwatch-agent.json',
      mode: '0644',
      content: renderCloudWatchAgentConfig({ logGroupName: options.logGroupName }),
    },
  ];
}
