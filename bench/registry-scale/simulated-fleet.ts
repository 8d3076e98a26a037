/**
 * Simulated brokers for the registry at scale: registrations shaped like the
 * ones the CDK broker stack makes, and two ways to probe them: answers of a
 * healthy fleet, or real probes of loopback endpoints that fail at once.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { ProbeOutcome } from '../../src/core/probe-outcome.js';
import { findFreePorts } from '../../src/fleet/free-ports.js';
import { LOCAL_CREDENTIALS } from '../../src/fleet/local-brokers.js';
import {
  DEFAULT_PROBE_OPTIONS,
  type ProbeTarget,
  probeBroker,
} from '../../src/prober/probe-broker.js';
import type { NodeRegistration } from '../../src/registry/health-registry.js';

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/**
 * Broker `b<n>` as `infra/broker-stack.ts` registers it: its private address
 * with the amqps and management-over-TLS ports, its zone, and the EC2 instance
 * and stack as labels. `host` replaces the address (a loopback port to probe).
 */
export function brokerRegistration(n: number, host?: string): NodeRegistration {
  const address = host ?? `10.0.${((n * 53) % 192) + 32}.${((n * 29) % 250) + 4}`;
  const id = `b${n}`;
  return {
    id,
    endpoint: host ? `amqp://${address}` : `amqps://${address}:5671`,
    managementEndpoint: `https://${host ? address.split(':')[0] : address}:15671`,
    az: ZONES[(n - 1) % ZONES.length] as string,
    labels: {
      instanceId: `i-0${(0x1000_0000_0000_0000n + BigInt(n)).toString(16)}`,
      stack: `WarrenBroker-${id}`,
    },
  };
}

/** A healthy broker's probe: a publish confirmed in 1.5 to 9.5 ms, different each time (a fixed sequence). */
export function healthyProbe(): (target: ProbeTarget) => Promise<ProbeOutcome> {
  let seed = 7;
  return async () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return { result: 'ok', latencyMs: 1.5 + (8 * seed) / 2_147_483_647 };
  };
}

export interface FailingEndpoints {
  /** Half the brokers get a port nobody listens on (refused at once), half one that closes every connection. */
  hostFor(n: number): string;
  probe(target: ProbeTarget): Promise<ProbeOutcome>;
  close(): Promise<void>;
}

/**
 * Two loopback endpoints that fail a real `probeBroker` at once: a refused port
 * (a hard TCP failure) and a listener that accepts and closes (an AMQP-stage
 * failure, so the round is not taken for the prober's own network being down).
 */
export async function startFailingEndpoints(): Promise<FailingEndpoints> {
  const [refusedPort] = await findFreePorts(1); // released again: nobody listens
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const closingPort = (server.address() as { port: number }).port;
  return {
    hostFor: (n) => `127.0.0.1:${n % 2 === 0 ? refusedPort : closingPort}`,
    probe: (target) =>
      probeBroker(target, { ...DEFAULT_PROBE_OPTIONS, credentials: LOCAL_CREDENTIALS }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
