import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as amqpConnect } from 'amqplib';
import { withCredentials } from '../../src/core/amqp-endpoint.js';
import {
  type BrokerExit,
  type BrokerProcess,
  BrokerStartError,
  describeExit,
  launchBroker,
  logTail,
} from '../../src/fleet/broker-process.js';
import { type BrokerSpec, brokerPaths, nodeNameFor } from '../../src/fleet/broker-spec.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { locateRabbitMq, type RabbitMqInstall } from '../../src/fleet/rabbitmq-install.js';
import { rabbitmqctl } from '../../src/fleet/rabbitmqctl.js';
import { type TlsBrokerFileOptions, writeTlsBrokerFiles } from './tls-broker-files.js';

/** A real RabbitMQ node configured as an EC2 broker is: AMQPS and management HTTPS only. */
export interface TlsBroker {
  /** `amqps://127.0.0.1:<port>`, without credentials. */
  readonly amqpsUrl: string;
  /** `amqp://127.0.0.1:<port>`, without credentials: only when started with `plainAmqp`. */
  readonly amqpUrl: string | undefined;
  /** `https://127.0.0.1:<port>` */
  readonly managementUrl: string;
  /** The throwaway CA that signed the broker's certificate. */
  readonly caCertPem: string;
  readonly username: string;
  readonly password: string;
  /** Directory of the node (config, TLS files, data, logs), removed by `stop`. */
  readonly dir: string;
  /** Pid of the node's Erlang VM (`beam.smp`). */
  readonly pid: number;
  /** Runs `rabbitmqctl` against this node. */
  rabbitmqctl(args: readonly string[]): Promise<string>;
  /** Stops the node and removes its directory. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 20_000;

export interface TlsBrokerOptions extends Omit<TlsBrokerFileOptions, 'plainAmqpPort'> {
  /** Also listen for plain AMQP on a free loopback port (an EC2 broker does not). @default false */
  readonly plainAmqp?: boolean;
}

/**
 * Starts one local RabbitMQ node with the rabbitmq.conf and definitions an EC2
 * broker gets (`renderRabbitmqConfig`, `renderDefinitionFiles` of the
 * topology, by default the default topology), TLS files issued by
 * a throwaway CA, bound to loopback on free ports. Resolves once it accepts an
 * AMQPS handshake; a failed start rejects with the node's last log lines.
 * Used by the integration tests and the benches.
 *
 * @example const broker = await startTlsBroker(); await connect(`${broker.amqpsUrl}`, { ca: [broker.caCertPem] });
 */
export async function startTlsBroker(options: TlsBrokerOptions = {}): Promise<TlsBroker> {
  const install = locateRabbitMq(process.env);
  const dir = await mkdtemp(join(tmpdir(), 'warren-tls-broker-'));
  try {
    const [amqpsPort, distPort, managementPort, plainPort] = (await findFreePorts(4)) as [
      number,
      number,
      number,
      number,
    ];
    const spec: BrokerSpec = {
      id: 'tls',
      nodeName: nodeNameFor(dir, 'tls'),
      dir,
      amqpPort: amqpsPort,
      distPort,
      managementPort,
    };
    const plainAmqpPort = options.plainAmqp ? plainPort : undefined;
    const tls = await writeTlsBrokerFiles(spec, { ...options, plainAmqpPort });
    const broker = launchBroker(spec, install);
    const ctl = (args: readonly string[]) =>
      rabbitmqctl(install, { nodeName: spec.nodeName, home: brokerPaths(dir).home }, args);
    const stop = async () => {
      await broker.stop(STOP_GRACE_MS);
      await rm(dir, { recursive: true, force: true });
    };
    try {
      const { username, password } = await waitForNode(spec, broker, install, ctl);
      const amqpsUrl = `amqps://127.0.0.1:${amqpsPort}`;
      const caCertPem = await readFile(tls.caCertFile, 'utf8');
      await waitForAmqps(spec, broker, withCredentials(amqpsUrl, username, password), caCertPem);
      return {
        amqpsUrl,
        amqpUrl: plainAmqpPort === undefined ? undefined : `amqp://127.0.0.1:${plainAmqpPort}`,
        managementUrl: `https://127.0.0.1:${managementPort}`,
        caCertPem,
        username,
        password,
        dir,
        pid: broker.pid,
        rabbitmqctl: ctl,
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Waits for the node to boot, then gives it its one user, as
 * `warren-sync-credentials` does on EC2: a node that imports definitions at
 * boot creates no default user.
 */
async function waitForNode(
  spec: BrokerSpec,
  broker: BrokerProcess,
  install: RabbitMqInstall,
  ctl: (args: readonly string[]) => Promise<string>,
): Promise<{ username: string; password: string }> {
  const exit = watchExit(broker);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  for (;;) {
    if (exit.value) {
      throw new BrokerStartError(
        spec.id,
        `${spec.id} exited while starting (${describeExit(exit.value)}).\n${await logTail(spec)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new BrokerStartError(
        spec.id,
        `${spec.id} did not boot within ${READY_TIMEOUT_MS} ms (${install.server}).\n${await logTail(spec)}`,
        { cause: lastError },
      );
    }
    try {
      await ctl(['await_startup', '--timeout', '5']);
      break;
    } catch (error) {
      lastError = error;
      await sleep(250);
    }
  }
  const username = 'guest';
  const password = randomBytes(12).toString('hex');
  const users = await ctl(['list_users', '--silent', '--formatter', 'json']);
  const exists = (JSON.parse(users) as { user: string }[]).some((user) => user.user === username);
  await ctl(exists ? ['change_password', username, password] : ['add_user', username, password]);
  await ctl(['set_user_tags', username, 'monitoring']);
  await ctl(['set_permissions', '-p', '/', username, '.*', '.*', '.*']);
  return { username, password };
}

/** Resolves once the node completes an AMQPS handshake, trusting only `caCertPem`. */
async function waitForAmqps(
  spec: BrokerSpec,
  broker: BrokerProcess,
  url: string,
  caCertPem: string,
): Promise<void> {
  const exit = watchExit(broker);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exit.value) {
      throw new BrokerStartError(
        spec.id,
        `${spec.id} exited while starting (${describeExit(exit.value)}).\n${await logTail(spec)}`,
      );
    }
    try {
      const connection = await amqpConnect(url, { ca: [caCertPem], timeout: 2_000 });
      connection.on('error', () => undefined);
      await connection.close();
      return;
    } catch (error) {
      lastError = error;
      await sleep(250);
    }
  }
  throw new BrokerStartError(
    spec.id,
    `${spec.id} did not accept AMQPS within ${READY_TIMEOUT_MS} ms.\n${await logTail(spec)}`,
    { cause: lastError },
  );
}

function watchExit(broker: BrokerProcess): { value: BrokerExit | undefined } {
  const exit: { value: BrokerExit | undefined } = { value: undefined };
  void broker.exited.then((value) => {
    exit.value = value;
  });
  return exit;
}
