/** Where the EC2 broker keeps its TLS files; `warren-issue-certificate` writes them, RabbitMQ reads them. */
export const BROKER_TLS_DIR = '/etc/rabbitmq/tls';

export const BROKER_TLS_FILES = {
  caCertFile: `${BROKER_TLS_DIR}/ca.pem`,
  certFile: `${BROKER_TLS_DIR}/cert.pem`,
  keyFile: `${BROKER_TLS_DIR}/key.pem`,
} as const;

/**
 * The EC2 broker's Erlang node name, fixed so that a replacement instance finds
 * the data on the retained volume: the data directory is named after the node.
 */
export const BROKER_NODE_NAME = 'rabbit@localhost';

/**
 * The definitions directory imported at boot on the EC2 broker (see
 * `renderDefinitionFiles`): RabbitMQ imports its files in name order.
 */
export const BROKER_DEFINITIONS_DIR = '/etc/rabbitmq/definitions.d';

export interface TlsFiles {
  readonly caCertFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface RabbitmqConfigOptions {
  /** AMQP over TLS. @default 5671 */
  readonly amqpsPort?: number;
  /** Management API over HTTPS. @default 15671 */
  readonly managementPort?: number;
  /** @default BROKER_TLS_FILES */
  readonly tls?: TlsFiles;
  /** @default BROKER_DEFINITIONS_DIR */
  readonly definitionsDir?: string;
  /**
   * Interface both listeners bind to; unset binds every interface (EC2, where
   * the security group is the boundary). Local test brokers pass `127.0.0.1`.
   */
  readonly bindAddress?: string;
  /**
   * Fraction of RAM at which publishers are blocked. The instance runs only
   * RabbitMQ, so 0.6 (RabbitMQ 4's default; 3.x used 0.4) leaves room for the
   * OS page cache and the CloudWatch agent. @default 0.6
   */
  readonly memoryHighWatermark?: number;
  /**
   * Free space on the data volume below which publishers are blocked, as a
   * multiple of RAM: RabbitMQ's production checklist recommends 1.5, since
   * paging memory out can write up to RAM's worth of data. @default 1.5
   */
  readonly diskFreeLimitRelative?: number;
}

/**
 * rabbitmq.conf (sysctl format) for a broker that speaks AMQP only over TLS and
 * serves the management API only over HTTPS, imports its topology from a local
 * definitions directory at boot, and logs to a file. Clients authenticate with
 * username and password, so client certificates are not requested.
 *
 * @example await writeFile('/etc/rabbitmq/rabbitmq.conf', renderRabbitmqConfig({ amqpsPort: 5671 }));
 */
export function renderRabbitmqConfig(options: RabbitmqConfigOptions = {}): string {
  const amqpsPort = port(options.amqpsPort ?? 5671, 'amqpsPort');
  const managementPort = port(options.managementPort ?? 15671, 'managementPort');
  const tls = options.tls ?? BROKER_TLS_FILES;
  const memory = fraction(options.memoryHighWatermark ?? 0.6, 'memoryHighWatermark', 0.1, 0.9);
  const disk = fraction(options.diskFreeLimitRelative ?? 1.5, 'diskFreeLimitRelative', 0.1, 10);
  const bind = options.bindAddress;
  const lines = [
    '# Written by warren (infra/broker/rabbitmq-config.ts); local edits are overwritten.',
    'listeners.tcp = none',
    bind === undefined
      ? `listeners.ssl.default = ${amqpsPort}`
      : `listeners.ssl.1 = ${bind}:${amqpsPort}`,
    ...tlsLines('ssl_options', tls),
    // verify_none: clients authenticate with username and password, not certificates.
    'ssl_options.verify = verify_none',
    'ssl_options.fail_if_no_peer_cert = false',
    // Only management.ssl.* is set, so the plugin starts no plain-HTTP listener (15672).
    `management.ssl.port = ${managementPort}`,
    ...(bind === undefined ? [] : [`management.ssl.ip = ${bind}`]),
    ...tlsLines('management.ssl', tls),
    // RabbitMQ imports before it starts its AMQP listeners, so no client sees an import under way.
    'definitions.import_backend = local_filesystem',
    `definitions.local.path = ${options.definitionsDir ?? BROKER_DEFINITIONS_DIR}`,
    // A reboot with unchanged files skips the import; changed ones are imported (additively).
    // The import's own failure does not stop the boot then: the probe queue's file, imported
    // last, is what keeps a broker with an incomplete topology from becoming eligible.
    'definitions.skip_if_unchanged = true',
    `vm_memory_high_watermark.relative = ${memory}`,
    `disk_free_limit.relative = ${disk}`,
    // The package's logrotate job rotates the file; the CloudWatch agent ships it.
    'log.console = false',
    'log.file.level = info',
    '',
  ];
  return lines.join('\n');
}

function tlsLines(prefix: string, tls: TlsFiles): string[] {
  return [
    `${prefix}.cacertfile = ${tls.caCertFile}`,
    `${prefix}.certfile = ${tls.certFile}`,
    `${prefix}.keyfile = ${tls.keyFile}`,
    `${prefix}.versions.1 = tlsv1.3`,
    `${prefix}.versions.2 = tlsv1.2`,
  ];
}

function port(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new RangeError(`${name} must be a TCP port, got ${value}`);
  }
  return value;
}

function fraction(value: number, name: string, min: number, max: number): number {
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}
