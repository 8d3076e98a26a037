/**
 * A real 3-node RabbitMQ cluster holding one durable quorum queue: the baseline
 * warren is compared with. Each node is started the way warren starts its own
 * brokers (src/fleet: its own ports, config, plugins, data and logs), except
 * that the three share one HOME, so one Erlang cookie lets them cluster.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'amqplib';
import { type BrokerProcess, launchBroker, waitForAmqp } from '../../src/fleet/broker-process.js';
import { type BrokerSpec, writeBrokerFiles } from '../../src/fleet/broker-spec.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { LOCAL_CREDENTIALS } from '../../src/fleet/local-brokers.js';
import { locateRabbitMq } from '../../src/fleet/rabbitmq-install.js';
import { rabbitmqctl } from '../../src/fleet/rabbitmqctl.js';
import type { Cleanups } from '../support/cleanups.js';
import { parseQueueMembers, type QueueMembers } from './queue-members.js';

export interface ClusterNode {
  readonly id: string;
  readonly nodeName: string;
  readonly url: string;
  /** The running Erlang VM; replaced when the node is restarted. */
  readonly pid: number;
}

export interface QuorumCluster {
  readonly nodes: readonly ClusterNode[];
  readonly queue: string;
  /** `rabbitmqctl -n <node> ...` with the cluster's cookie. */
  ctl(node: ClusterNode, args: readonly string[]): Promise<string>;
  /** The queue's leader and members, as the first node that answers reports them. */
  members(): Promise<QueueMembers>;
  /** The node the quorum queue's leader runs on, asked of any running node. */
  leader(): Promise<ClusterNode>;
  signal(node: ClusterNode, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
  /** Starts a node that died (same ports, same data) and waits until it answers AMQP. */
  restart(node: ClusterNode): Promise<void>;
  /** Waits until every node answers and the queue has a leader and all 3 members online. */
  awaitWhole(timeoutMs: number): Promise<QueueMembers>;
  pids(): number[];
}

const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 15_000;

/** Starts 3 nodes, joins n2 and n3 to n1, declares `queue` as a durable quorum queue; `cleanups` stops it all. */
export async function startQuorumCluster(
  queue: string,
  cleanups: Cleanups,
): Promise<QuorumCluster> {
  const install = locateRabbitMq(process.env);
  const root = await mkdtemp(join(tmpdir(), 'warren-bench-qq-'));
  cleanups.add(() => rm(root, { recursive: true, force: true }));
  // One HOME, one cookie: the nodes' own `home` directories all point at it.
  const home = join(root, 'home');
  await mkdir(home);
  await writeFile(join(home, '.erlang.cookie'), randomBytes(15).toString('hex').toUpperCase(), {
    mode: 0o400,
  });
  const suffix = randomBytes(3).toString('hex');
  const ports = await findFreePorts(9);
  const specs: BrokerSpec[] = [1, 2, 3].map((n) => ({
    id: `n${n}`,
    nodeName: `warren-bench-qq-${suffix}-n${n}@localhost`,
    dir: join(root, `n${n}`),
    amqpPort: ports[3 * n - 3] as number,
    distPort: ports[3 * n - 2] as number,
    managementPort: ports[3 * n - 1] as number,
  }));
  const urlOf = (spec: BrokerSpec) =>
    `amqp://${LOCAL_CREDENTIALS.username}:${LOCAL_CREDENTIALS.password}@127.0.0.1:${spec.amqpPort}`;
  const processes = new Map<string, BrokerProcess>();
  cleanups.add(async () => {
    console.error('stopping the cluster...');
    await Promise.all(
      [...processes.values()].map((p) => {
        signalPid(p.pid, 'SIGCONT');
        return p.stop(STOP_GRACE_MS);
      }),
    );
  });
  const launch = async (spec: BrokerSpec) => {
    const started = launchBroker(spec, install);
    processes.set(spec.id, started);
    await waitForAmqp(spec, started, urlOf(spec), { timeoutMs: READY_TIMEOUT_MS });
  };
  await Promise.all(
    specs.map(async (spec) => {
      await mkdir(spec.dir, { recursive: true });
      await symlink(home, join(spec.dir, 'home'));
      await writeBrokerFiles(spec);
      await launch(spec);
    }),
  );

  const nodeOf = (spec: BrokerSpec): ClusterNode => ({
    id: spec.id,
    nodeName: spec.nodeName,
    url: urlOf(spec),
    get pid() {
      return processes.get(spec.id)?.pid ?? 0;
    },
  });
  const nodes = specs.map(nodeOf);
  const ctl = (node: ClusterNode, args: readonly string[]) =>
    rabbitmqctl(install, { nodeName: node.nodeName, home }, args);
  const [first, ...others] = nodes as [ClusterNode, ...ClusterNode[]];
  for (const node of others) await joinCluster(ctl, node, first);
  await declareQuorumQueue(first.url, queue);

  const membersVia = async (via: ClusterNode) =>
    parseQueueMembers(
      await ctl(via, ['list_queues', 'name', 'leader', 'members', 'online', '--quiet']),
      queue,
    );
  const members = async () => {
    let lastError: unknown;
    for (const via of nodes) {
      try {
        return await membersVia(via);
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`no node lists ${queue}`, { cause: lastError });
  };
  const cluster: QuorumCluster = {
    nodes,
    queue,
    ctl,
    members,
    async leader() {
      for (const via of nodes) {
        const found = await membersVia(via).catch(() => undefined);
        const leader = nodes.find((node) => node.nodeName === found?.leader);
        if (leader) return leader;
      }
      throw new Error(`no node reports a leader for ${queue}`);
    },
    signal(node, signal) {
      signalPid(node.pid, signal);
    },
    async restart(node) {
      const spec = specs.find((s) => s.id === node.id) as BrokerSpec;
      await processes.get(node.id)?.exited;
      await launch(spec);
    },
    async awaitWhole(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last: QueueMembers | undefined;
      while (Date.now() < deadline) {
        last = await members().catch(() => undefined);
        if (last?.leader && last.online.length === nodes.length) return last;
        await sleep(500);
      }
      throw new Error(`${queue} not whole after ${timeoutMs} ms: ${JSON.stringify(last)}`);
    },
    pids: () => nodes.map((node) => node.pid).filter((pid) => pid > 0),
  };
  return cluster;
}

/** `stop_app`, `join_cluster`, `start_app` on `node`, retried while either node is still booting. */
async function joinCluster(
  ctl: QuorumCluster['ctl'],
  node: ClusterNode,
  seed: ClusterNode,
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await ctl(seed, ['await_startup']);
      await ctl(node, ['await_startup']);
      await ctl(node, ['stop_app']);
      await ctl(node, ['join_cluster', seed.nodeName]);
      await ctl(node, ['start_app']);
      await ctl(node, ['await_startup']);
      return;
    } catch (error) {
      lastError = error;
      await ctl(node, ['start_app']).catch(() => undefined);
      await sleep(1_000 * attempt);
    }
  }
  throw new Error(`${node.id} did not join ${seed.id}`, { cause: lastError });
}

async function declareQuorumQueue(url: string, queue: string): Promise<void> {
  const connection = await connect(url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    if (pid > 0) process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}
