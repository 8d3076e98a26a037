import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { connectAmqp } from '../../src/amqp/connect-amqp.js';
import { isEligible } from '../../src/core/eligibility.js';
import { isStale } from '../../src/core/staleness.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { locateRabbitMq } from '../../src/fleet/rabbitmq-install.js';
import { rabbitmqctl } from '../../src/fleet/rabbitmqctl.js';
import { DEFAULT_PROBE_OPTIONS, probeBroker } from '../../src/prober/probe-broker.js';
import { type RoundSummary, runProbeRound } from '../../src/prober/probe-round.js';
import { startProberLoop } from '../../src/prober/prober-loop.js';
import type { DynamoDbHealthRegistry } from '../../src/registry/dynamodb-health-registry.js';
import { eventually } from '../support/eventually.js';
import { freshFleetRegistry, freshRegistry } from '../support/registry.js';

const fleet = inject('fleet');
const probeOptions = {
  ...DEFAULT_PROBE_OPTIONS,
  tcpTimeoutMs: 500,
  amqpTimeoutMs: 1_000,
  publishTimeoutMs: 1_000,
  managementTimeoutMs: 1_000,
  credentials: { username: 'guest', password: 'guest' },
};
const probe = (target: Parameters<typeof probeBroker>[0]) => probeBroker(target, probeOptions);

function local(id: string) {
  const broker = fleet.brokers.find((candidate) => candidate.id === id);
  if (!broker?.local) throw new Error(`no local broker ${id} in the test fleet`);
  return { ...broker, local: broker.local };
}

const fleetRegistry = async () => (await freshFleetRegistry()).registry;

const round = (registry: DynamoDbHealthRegistry) =>
  runProbeRound({ registry, probe, refreshAfterMs: 60_000 });
const stateOf = async (registry: DynamoDbHealthRegistry, id: string) =>
  (await registry.listNodes()).nodes.find((node) => node.id === id)?.health.state;

/** Rounds until `id` reaches `state`; returns how many it took. */
async function roundsUntil(
  registry: DynamoDbHealthRegistry,
  id: string,
  state: string,
  max: number,
): Promise<number> {
  for (let rounds = 1; rounds <= max; rounds++) {
    await round(registry);
    if ((await stateOf(registry, id)) === state) return rounds;
  }
  throw new Error(
    `${id} did not become ${state} within ${max} rounds (is ${await stateOf(registry, id)})`,
  );
}

const acceptsAmqp = (url: string) =>
  eventually(async () => (await connectAmqp(url, { timeoutMs: 1_000 })).close(), {
    timeoutMs: 45_000,
  });

describe('the prober against real brokers', () => {
  it('finds every broker of a healthy fleet healthy in one round, with its publish latency', async () => {
    const registry = await fleetRegistry();

    const summary = await round(registry);

    const { nodes } = await registry.listNodes();
    expect(nodes.map((node) => node.health.state)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(nodes.every((node) => (node.latencyMs ?? -1) >= 0)).toBe(true);
    expect(summary).toMatchObject({ probed: 3, writes: 3, conflicts: 0, eligible: 3 });
  });

  it('marks a broker killed with SIGKILL unhealthy within 2 rounds, and healthy after rise rounds once restarted', async () => {
    const registry = await fleetRegistry();
    const b2 = local('b2');
    await round(registry);
    const pid = Number.parseInt(await readFile(b2.local.pidFile, 'utf8'), 10);

    process.kill(pid, 'SIGKILL');

    expect(await roundsUntil(registry, 'b2', 'unhealthy', 2)).toBeLessThanOrEqual(2);
    await acceptsAmqp(b2.local.url);
    expect(await roundsUntil(registry, 'b2', 'healthy', 5)).toBe(2);
  });

  it('marks a broker whose memory alarm is raised blocked, and healthy once it clears', async () => {
    const registry = await fleetRegistry();
    const b1 = local('b1');
    const install = locateRabbitMq(process.env);
    await round(registry);
    try {
      await rabbitmqctl(install, b1.local, ['set_vm_memory_high_watermark', '0.000001']);

      expect(await roundsUntil(registry, 'b1', 'blocked', 2)).toBe(1);
      const b1Node = (await registry.listNodes()).nodes.find((node) => node.id === 'b1');
      expect(b1Node?.health).toMatchObject({
        state: 'blocked',
        reason: expect.stringMatching(/blocked|alarm/),
      });
    } finally {
      await rabbitmqctl(install, b1.local, ['set_vm_memory_high_watermark', '0.4']);
    }
    expect(await roundsUntil(registry, 'b1', 'healthy', 6)).toBeGreaterThanOrEqual(2);
  });

  it('marks a hung broker (SIGSTOP: TCP opens, nothing answers) unhealthy only after fall timeouts', async () => {
    const registry = await fleetRegistry();
    const b3 = local('b3');
    await round(registry);
    const pid = Number.parseInt(await readFile(b3.local.pidFile, 'utf8'), 10);
    const states: (string | undefined)[] = [];
    process.kill(pid, 'SIGSTOP');
    try {
      for (let i = 0; i < 3; i++) {
        await round(registry);
        states.push(await stateOf(registry, 'b3'));
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(states).toEqual(['degraded', 'degraded', 'unhealthy']);
    expect(await roundsUntil(registry, 'b3', 'healthy', 6)).toBeGreaterThanOrEqual(2);
  });

  it('keeps the health of a draining broker but counts it as not eligible', async () => {
    const registry = await fleetRegistry();
    await round(registry);

    await registry.setAdminState('b2', 'draining', new Date());
    const summary = await round(registry);

    const b2 = (await registry.listNodes()).nodes.find((node) => node.id === 'b2');
    expect(b2?.health.state).toBe('healthy');
    expect(b2?.admin.state).toBe('draining');
    expect(b2 && isEligible(b2)).toBe(false);
    expect(summary.eligible).toBe(2);
  });

  it('never moves a broker backwards in probe sequence when two probers run concurrently', async () => {
    const registry = await fleetRegistry();
    const seen = new Map<string, number>();
    let conflicts = 0;
    for (let i = 0; i < 8; i++) {
      // The second prober's clock runs 5 s behind: its probes are older whenever they land.
      const summaries: RoundSummary[] = await Promise.all([
        runProbeRound({ registry, probe, refreshAfterMs: 0, jitterMs: 50 }),
        runProbeRound({
          registry,
          probe,
          refreshAfterMs: 0,
          jitterMs: 50,
          clock: () => new Date(Date.now() - 5_000),
        }),
      ]);
      conflicts += summaries.reduce((sum, summary) => sum + summary.conflicts, 0);
      for (const node of (await registry.listNodes()).nodes) {
        expect(node.probeSeq).toBeGreaterThanOrEqual(seen.get(node.id) ?? 0);
        seen.set(node.id, node.probeSeq);
      }
    }
    expect(conflicts).toBeGreaterThan(0);
  });

  it('lets only the lease holder probe, and hands over when it stops', async () => {
    const registry = await fleetRegistry();
    const rounds = { a: 0, b: 0 };
    const options = { registry, probe, intervalMs: 300, refreshAfterMs: 600 };
    const a = startProberLoop({ ...options, holder: 'a', onRound: () => rounds.a++ });
    await eventually(async () => expect(rounds.a).toBeGreaterThan(0));
    const b = startProberLoop({ ...options, holder: 'b', onRound: () => rounds.b++ });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(rounds.b).toBe(0);

    await a.stop();
    await eventually(async () => expect(rounds.b).toBeGreaterThan(0));
    await b.stop();
    expect((await registry.readLease())?.holder).toBe('b');
  });

  it('shows readers stale health once the prober has stopped for 3 intervals', async () => {
    const registry = await fleetRegistry();
    const intervalMs = 300;
    const loop = startProberLoop({
      registry,
      probe,
      holder: 'p',
      intervalMs,
      refreshAfterMs: 2 * intervalMs,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const whileRunning = (await registry.listNodes()).nodes.map((node) =>
      isStale(node, Date.now(), intervalMs),
    );

    await loop.stop();
    await new Promise((resolve) => setTimeout(resolve, 4 * intervalMs));
    const afterStop = (await registry.listNodes()).nodes.map((node) =>
      isStale(node, Date.now(), intervalMs),
    );

    expect(whileRunning).toEqual([false, false, false]);
    expect(afterStop).toEqual([true, true, true]);
  });

  it('suspects its own network rather than the fleet when every broker fails at TCP', async () => {
    const { registry } = await freshRegistry();
    for (const [i, port] of (await findFreePorts(2)).entries()) {
      await registry.registerNode(
        { id: `x${i}`, endpoint: `amqp://127.0.0.1:${port}` },
        new Date(),
      );
    }

    const summary = await round(registry);

    expect(summary.suspectProberNetwork).toBe(true);
    expect((await registry.listNodes()).nodes.map((node) => node.health.state)).toEqual([
      'initial',
      'initial',
    ]);
  });

  it('runs at most probeConcurrency probes at once, each hung broker keeping its slot until its timeout', async () => {
    const { registry } = await freshRegistry();
    const hung = await hungListeners(8);
    try {
      for (const [i, port] of hung.ports.entries()) {
        await registry.registerNode(
          { id: `h${i}`, endpoint: `amqp://127.0.0.1:${port}` },
          new Date(),
        );
      }
      const quick = { ...probeOptions, amqpTimeoutMs: 300 };
      let running = 0;
      let mostRunning = 0;

      const summary = await runProbeRound({
        registry,
        probe: async (target) => {
          mostRunning = Math.max(mostRunning, ++running);
          try {
            return await probeBroker(target, quick);
          } finally {
            running -= 1;
          }
        },
        refreshAfterMs: 60_000,
        probeConcurrency: 3,
      });

      expect(mostRunning).toBe(3);
      expect(hung.accepted()).toBeGreaterThanOrEqual(8);
      // 8 probes, 3 at a time: three waves of one AMQP timeout each.
      expect(summary.phases.probesMs).toBeGreaterThanOrEqual(3 * 300 - 5); // Date has ms resolution
      expect(Object.values(summary.outcomes).every((o) => o.result === 'failed')).toBe(true);
    } finally {
      await hung.close();
    }
  });

  it('paces its health writes to healthWritesPerSecond, then publishes the snapshot', async () => {
    const { registry } = await freshFleetRegistry();
    // Writes go out as probes end, some before the probes phase closes: time their starts.
    const writeStarts: number[] = [];
    const recordHealth = registry.recordHealth.bind(registry);
    registry.recordHealth = (write) => {
      writeStarts.push(performance.now());
      return recordHealth(write);
    };

    const summary = await runProbeRound({
      registry,
      probe,
      refreshAfterMs: 60_000,
      healthWritesPerSecond: 10,
    });

    // 3 new brokers: the second and third writes start 100 and 200 ms after the first.
    expect(summary.writes).toBe(3);
    const spreadMs = (writeStarts.at(-1) ?? 0) - (writeStarts[0] ?? 0);
    expect(spreadMs).toBeGreaterThanOrEqual(199);
    expect(spreadMs).toBeLessThan(2_000);
  });
});

/** Listeners that accept TCP and never answer (a hung broker), counting the connections they accept. */
async function hungListeners(count: number) {
  let accepted = 0;
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  for (let i = 0; i < count; i++) {
    const server = createServer((socket) => {
      accepted += 1;
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  return {
    ports: servers.map((server) => (server.address() as { port: number }).port),
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
