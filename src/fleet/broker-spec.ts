import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Everything that makes one local broker independent of every other node on the machine. */
export interface BrokerSpec {
  readonly id: string;
  /** Erlang node name, unique per data directory so fleets never collide in epmd. */
  readonly nodeName: string;
  readonly dir: string;
  readonly amqpPort: number;
  readonly distPort: number;
  readonly managementPort: number;
}

export interface BrokerPaths {
  readonly config: string;
  readonly enabledPlugins: string;
  /** HOME of the node: holds its Erlang cookie, which rabbitmqctl needs too. */
  readonly home: string;
  readonly mnesiaBase: string;
  readonly logBase: string;
  readonly pidFile: string;
  readonly consoleLog: string;
}

export function brokerPaths(dir: string): BrokerPaths {
  return {
    config: join(dir, 'rabbitmq.conf'),
    enabledPlugins: join(dir, 'enabled_plugins'),
    home: join(dir, 'home'),
    mnesiaBase: join(dir, 'mnesia'),
    logBase: join(dir, 'log'),
    pidFile: join(dir, 'rabbitmq.pid'),
    consoleLog: join(dir, 'console.log'),
  };
}

/** @example nodeNameFor('/work/app/.warren', 'b1') // 'warren-3f2a9c1e-b1@localhost' */
export function nodeNameFor(dataDir: string, id: string): string {
  const fleet = createHash('sha256').update(dataDir).digest('hex').slice(0, 8);
  return `warren-${fleet}-${id}@localhost`;
}

/** rabbitmq.conf for a loopback-only broker with the management API (used by the prober). */
export function renderBrokerConfig(spec: BrokerSpec): string {
  return [
    `# Written by warren for broker ${spec.id} at every start; edits are overwritten.`,
    `listeners.tcp.1 = 127.0.0.1:${spec.amqpPort}`,
    'management.tcp.ip = 127.0.0.1',
    `management.tcp.port = ${spec.managementPort}`,
    'loopback_users.guest = true',
    'log.console = false',
    'log.file.level = info',
    '',
  ].join('\n');
}

export async function writeBrokerFiles(spec: BrokerSpec): Promise<BrokerPaths> {
  const paths = brokerPaths(spec.dir);
  await Promise.all(
    [paths.home, paths.mnesiaBase, paths.logBase].map((dir) => mkdir(dir, { recursive: true })),
  );
  await writeFile(paths.config, renderBrokerConfig(spec));
  await writeFile(paths.enabledPlugins, '[rabbitmq_management].\n');
  return paths;
}

/**
 * The node's environment: the caller's, minus any RabbitMQ or Erlang settings
 * that would point it at another node, plus its own names, ports and directories.
 */
export function brokerEnvironment(spec: BrokerSpec, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const paths = brokerPaths(spec.dir);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!/^(RABBITMQ_|ERL_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    // As under systemd, rabbitmq-server then execs the Erlang VM instead of
    // wrapping it in a shell: the child is the broker, and its exit status is
    // the broker's. Nothing listens on the socket; RabbitMQ ignores that.
    NOTIFY_SOCKET: join(spec.dir, 'notify.socket'),
    HOME: paths.home,
    // No env file: Debian's /etc/rabbitmq/rabbitmq-env.conf names the system node.
    RABBITMQ_CONF_ENV_FILE: join(spec.dir, 'rabbitmq-env.conf.absent'),
    RABBITMQ_NODENAME: spec.nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(spec.amqpPort),
    RABBITMQ_DIST_PORT: String(spec.distPort),
    RABBITMQ_CONFIG_FILE: paths.config,
    RABBITMQ_ENABLED_PLUGINS_FILE: paths.enabledPlugins,
    RABBITMQ_MNESIA_BASE: paths.mnesiaBase,
    RABBITMQ_LOG_BASE: paths.logBase,
    RABBITMQ_PID_FILE: paths.pidFile,
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
}
