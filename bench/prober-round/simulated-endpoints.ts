/**
 * The endpoints of the prober bench's fleet scenario, served by a child
 * process so the prober's process holds only its own sockets: listeners that
 * accept TCP and never answer (a hung broker), and listeners that relay to
 * one of the fleet's real brokers, round-robin (a healthy broker: the probe
 * does a real AMQP handshake, publish and confirm), plus one relay per
 * broker's management API. Each kind counts the prober's connections it holds.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface EndpointsPlan {
  readonly hanging: number;
  readonly relayed: number;
  /** The real brokers' AMQP ports; relayed endpoint i goes to `amqpPorts[i % length]`. */
  readonly amqpPorts: readonly number[];
  readonly managementPorts: readonly number[];
}

export interface EndpointPorts {
  readonly hanging: readonly number[];
  readonly relayed: readonly number[];
  /** One per broker, in the order of `managementPorts`. */
  readonly management: readonly number[];
}

/** Connections from the prober: open now, the most open at once since the last reading, accepted in all. */
export interface SocketCounts {
  readonly open: number;
  readonly peak: number;
  readonly accepted: number;
}
export type EndpointCounts = Readonly<Record<keyof EndpointPorts, SocketCounts>> & {
  /** CPU ms the endpoints' process has used so far (user + system). */
  readonly cpuMs: number;
};

type ChildMessage =
  | { readonly type: 'ready'; readonly ports: EndpointPorts }
  | { readonly type: 'counts'; readonly counts: EndpointCounts };

class Tally {
  open = 0;
  peak = 0;
  accepted = 0;
  readonly sockets = new Set<Socket>();
  add(socket: Socket): void {
    this.accepted += 1;
    this.open += 1;
    this.peak = Math.max(this.peak, this.open);
    this.sockets.add(socket);
    socket.once('close', () => {
      this.open -= 1;
      this.sockets.delete(socket);
    });
  }
  read(): SocketCounts {
    const counts = { open: this.open, peak: this.peak, accepted: this.accepted };
    this.peak = this.open;
    return counts;
  }
}

async function listen(onSocket: (socket: Socket) => void): Promise<Server> {
  const server = createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server) => (server.address() as { port: number }).port;

/** In the child: serves the endpoints until the parent says stop or goes away. */
export async function serveEndpoints(planJson: string): Promise<void> {
  const plan = JSON.parse(planJson) as EndpointsPlan;
  const tallies = { hanging: new Tally(), relayed: new Tally(), management: new Tally() };
  const relay = (tally: Tally, port: number) => (client: Socket) => {
    tally.add(client);
    const upstream = connect(port, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
      from.pipe(to);
    }
  };
  const hanging = await Promise.all(
    Array.from({ length: plan.hanging }, () =>
      listen((socket) => {
        tallies.hanging.add(socket);
        socket.on('error', () => undefined);
        socket.resume(); // reads what the prober sends, so its FIN is seen; never answers
      }),
    ),
  );
  const relayed = await Promise.all(
    Array.from({ length: plan.relayed }, (_, i) =>
      listen(relay(tallies.relayed, plan.amqpPorts[i % plan.amqpPorts.length] as number)),
    ),
  );
  const management = await Promise.all(
    plan.managementPorts.map((port) => listen(relay(tallies.management, port))),
  );
  const servers = [...hanging, ...relayed, ...management];
  const stop = () => {
    for (const tally of Object.values(tallies))
      for (const socket of tally.sockets) socket.destroy();
    for (const server of servers) server.close();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'counts') {
      const { user, system } = process.cpuUsage();
      const counts = {
        cpuMs: (user + system) / 1_000,
        hanging: tallies.hanging.read(),
        relayed: tallies.relayed.read(),
        management: tallies.management.read(),
      };
      process.send?.({ type: 'counts', counts } satisfies ChildMessage);
    }
    if (message === 'stop') stop();
  });
  process.on('disconnect', stop);
  const ports = {
    hanging: hanging.map(portOf),
    relayed: relayed.map(portOf),
    management: management.map(portOf),
  };
  process.send?.({ type: 'ready', ports } satisfies ChildMessage);
}

export interface SimulatedEndpoints {
  readonly ports: EndpointPorts;
  /** The prober's connections held at each kind of endpoint; resets the peaks. */
  counts(): Promise<EndpointCounts>;
  stop(): Promise<void>;
}

/** In the parent: forks `entry` with `--endpoints-host <plan>` (the entry calls `serveEndpoints`). */
export async function startSimulatedEndpoints(
  entry: string,
  plan: EndpointsPlan,
): Promise<SimulatedEndpoints> {
  const child: ChildProcess = fork(entry, ['--endpoints-host', JSON.stringify(plan)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: process.execArgv,
  });
  const next = () =>
    new Promise<ChildMessage>((resolve, reject) => {
      const onExit = () => reject(new Error(`endpoints host exited (code ${child.exitCode})`));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as ChildMessage);
      });
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('endpoints host did not start');
  return {
    ports: ready.ports,
    async counts() {
      const answer = next();
      child.send('counts');
      const message = await answer;
      if (message.type !== 'counts') throw new Error('endpoints host answered out of turn');
      return message.counts;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}
